#include <iostream>

#include "daemon/backend_factory.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/listen_address.h"

namespace daemon_core {

Result<Config> load_config(const CommandOptions& options) {
  Result<Config> loaded = options.config_file.empty() ? Result<Config>(Config{})
                                                      : parse_config_file(options.config_file);
  if (!loaded) return loaded;
  Config& config = *loaded;
  if (options.inbox) {
    config.inbox = *options.inbox;
    config.watch.clear();  // --inbox names the one folder to watch
  }
  if (options.out) config.out = *options.out;
  if (options.backend) config.model.backend = *options.backend;
  if (options.base_url) config.model.base_url = *options.base_url;
  if (options.model) config.model.name = *options.model;
  if (options.workers) config.workers = *options.workers;
  if (options.settle_ms) config.settle_ms = *options.settle_ms;
  if (options.http_listen) config.http_listen = *options.http_listen;
  if (options.log_level) config.log_level = *options.log_level;
  if (auto ok = validate(config); !ok) return tl::unexpected(ok.error());
  return loaded;
}

namespace {

// `check-config --probe`: the request `run` sends at start, through the same backend. A refused
// key or an unknown model exits 2 as `run` would; an endpoint that does not answer exits 1
// (`run` would start degraded).
int probe_model(const Config& config) {
  auto backend = make_backend(config);
  if (!backend) {
    std::cerr << "siftd: " << backend.error().detail << "\n";
    return exit_code(backend.error());
  }
  auto probed = probe_backend(**backend);
  if (probed) return k_exit_ok;
  std::cerr << "siftd: model check: " << probed.error().detail << "\n";
  return exit_code(probed.error());
}

}  // namespace

int command_check_config(const CommandOptions& options) {
  auto config = parse_config_file(options.config_file);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return k_exit_usage;
  }
  // What run would refuse only when it binds: a port another process holds.
  if (!config->http_listen.empty()) {
    auto address = parse_listen_address(config->http_listen);
    auto probed = address ? probe_listen_address(*address) : Result<void>();
    if (!probed) {
      std::cerr << "siftd: " << options.config_file << ": http.listen: " << probed.error().detail
                << "\n";
      return k_exit_usage;
    }
  }
  if (options.probe) {
    if (int status = probe_model(*config); status != k_exit_ok) return status;
  }
  std::cout << options.config_file << ": ok (" << config->taxonomy.categories.size()
            << " categories, backend " << name_of(config->model.backend) << ", inbox "
            << config->inbox << ")\n";
  return k_exit_ok;
}

int command_config_keys(const CommandOptions& options) {
  // The configuration table as documentation: Markdown rows for the README, or the TOML
  // sections of siftd.toml.example. Tests check both documents list every key.
  std::string section;
  for (const auto& key : documented_keys()) {
    const std::string name = key.key.substr(key.key.find('.') + 1);
    const std::string key_section = key.key.substr(0, key.key.find('.'));
    if (options.format == "markdown") {
      std::cout << "| `" << key.key << "` | `" << key.default_value << "` | " << key.doc << " |\n";
      continue;
    }
    if (key_section != section) {
      std::cout << (section.empty() ? "" : "\n") << "[" << key_section << "]\n";
      section = key_section;
    }
    std::cout << "# " << key.doc << "\n" << name << " = " << key.default_value << "\n";
  }
  return k_exit_ok;
}

}  // namespace daemon_core

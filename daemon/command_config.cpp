#include <iostream>

#include "daemon/cli.h"
#include "daemon/commands.h"

namespace daemon_core {

ConfigResult<Config> load_config(const CommandOptions& options) {
  ConfigResult<Config> loaded = options.config_file.empty() ? ConfigResult<Config>(Config{})
                                                            : parse_config_file(options.config_file);
  if (!loaded) return loaded;
  Config& config = *loaded;
  if (options.inbox) config.inbox = *options.inbox;
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

int command_check_config(const CommandOptions& options) {
  auto config = parse_config_file(options.config_file);
  if (!config) {
    std::cerr << "siftd: " << config.error().message << "\n";
    return k_exit_usage;
  }
  std::cout << options.config_file << ": ok (" << config->taxonomy.categories.size()
            << " categories, backend " << config->model.backend << ", inbox "
            << config->inbox << ")\n";
  return k_exit_ok;
}

}  // namespace daemon_core

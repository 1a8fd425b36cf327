#include <iostream>

#include <spdlog/spdlog.h>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/http_server.h"
#include "daemon/instance_lock.h"
#include "daemon/logging.h"
#include "daemon/service.h"
#include "daemon/signals.h"
#include "pipeline/clock.h"

namespace daemon_core {

int command_run(const CommandOptions& options) {
  // First, before any thread exists: every thread inherits the mask, and SIGTERM reaches the
  // signalfd even when it arrives during start-up.
  block_signals();
  auto config = load_config(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return exit_code(config.error());
  }
  const LogFormat format = options.log_format == "json"   ? LogFormat::json
                           : options.log_format == "text" ? LogFormat::text
                                                          : LogFormat::automatic;
  setup_logging(format, config->log_level);
  if (config->isolation == Isolation::none) {
    spdlog::warn("limits.isolation = \"none\": files are decoded inside siftd, without a sandbox");
  }

  // Before the journal is opened: a second daemon must not touch the first one's rows.
  auto lock = InstanceLock::acquire(*config);
  if (!lock) {
    spdlog::critical("cannot start: {}", lock.error().detail);
    return exit_code(lock.error());
  }

  pipeline::SystemClock clock;
  const std::string http_listen = config->http_listen;
  ConfigSource reload_source;
  if (!options.config_file.empty()) reload_source = [options] { return load_config(options); };
  auto service =
      Service::create(std::move(*config), ServicePorts{clock, reload_source, make_engines, &*lock});
  if (!service) {
    spdlog::critical("cannot start: {}", service.error().detail);
    return exit_code(service.error());
  }
  Service& running = **service;
  std::unique_ptr<HttpServer> http;
  if (!http_listen.empty()) {
    auto server = HttpServer::start(
        http_listen, HttpHandlers{[&running] { return running.metrics().render(); },
                                  [&running] { return running.status_json(); },
                                  [&running](std::string& why) { return running.is_ready(why); }});
    if (!server) {
      spdlog::critical("cannot start: {}", server.error().detail);
      return exit_code(server.error());
    }
    http = std::move(*server);
    spdlog::info("http listening on {}:{}", http_listen.substr(0, http_listen.rfind(':')),
                 http->port());
  }
  if (auto started = running.start(); !started) {
    spdlog::critical("cannot start: {}", started.error().detail);
    return exit_code(started.error());
  }
  running.run();
  const std::size_t parked = running.shutdown();
  http.reset();
  // Stopped on its own (its journal was deleted): exit 1, so a supervisor starts it afresh.
  const int status = running.failure().empty() ? k_exit_ok : k_exit_failure;
  if (parked > 0) {
    // Workers still hold files; their journal rows resume them. Leave without unwinding them.
    std::_Exit(status);
  }
  return status;
}

}  // namespace daemon_core

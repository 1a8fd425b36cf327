#include <iostream>

#include <spdlog/spdlog.h>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/logging.h"
#include "daemon/service.h"
#include "daemon/signals.h"

namespace daemon_core {

int command_run(const CommandOptions& options) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().message << "\n";
    return k_exit_usage;
  }
  const LogFormat format = options.log_format == "json"   ? LogFormat::json
                           : options.log_format == "text" ? LogFormat::text
                                                          : LogFormat::automatic;
  setup_logging(format, config->log_level);
  // Before any thread exists, so every thread inherits the mask and signals reach the signalfd.
  block_signals();

  SteadyClock clock;
  auto service = Service::create(std::move(*config), clock);
  if (!service) {
    spdlog::critical("cannot start: {}", service.error());
    return k_exit_failure;
  }
  if (auto started = (*service)->start(); !started) {
    spdlog::critical("cannot start: {}", started.error());
    return k_exit_failure;
  }
  (*service)->run();
  const std::size_t parked = (*service)->shutdown();
  if (parked > 0) {
    // Workers still hold files; their journal rows resume them. Leave without unwinding them.
    std::cout.flush();
    std::_Exit(k_exit_ok);
  }
  return k_exit_ok;
}

}  // namespace daemon_core

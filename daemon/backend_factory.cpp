#include "daemon/backend_factory.h"

#include "pipeline/local_backend.h"

namespace daemon_core {

ConfigResult<std::unique_ptr<pipeline::Backend>> make_backend(const Config& config) {
  if (config.model.backend == "local") {
    return std::unique_ptr<pipeline::Backend>(std::make_unique<pipeline::LocalBackend>(config.taxonomy));
  }
  return tl::unexpected(ConfigError{"model.backend: \"" + config.model.backend + "\" is not available"});
}

}  // namespace daemon_core

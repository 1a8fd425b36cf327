#pragma once
// Builds the decision backend the configuration names.

#include <memory>

#include "daemon/config.h"
#include "pipeline/backend.h"

namespace daemon_core {

ConfigResult<std::unique_ptr<pipeline::Backend>> make_backend(const Config& config);

}  // namespace daemon_core

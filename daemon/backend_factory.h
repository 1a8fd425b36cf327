#pragma once
// Builds the decision backend the configuration names.

#include <memory>

#include "daemon/config.h"
#include "pipeline/decide/backend.h"
#include "pipeline/metrics.h"

namespace daemon_core {

// `metrics`, when given, receives the model tier's HTTP outcomes and circuit state.
// A missing API key is a configuration error; a result cache that cannot open is not.
Result<std::unique_ptr<pipeline::Backend>> make_backend(const Config& config,
                                                        pipeline::Metrics* metrics = nullptr);

// One small request to each model the backend asks (Backend::probe), as `run` sends at start
// and `check-config --probe` on demand. A refused key or an unknown model is a config error
// that says what to check; an endpoint that is down or busy is not (io).
Result<void> probe_backend(pipeline::Backend& backend);

}  // namespace daemon_core

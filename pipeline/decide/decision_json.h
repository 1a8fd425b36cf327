#pragma once
// A decision as a JSON value, for the places that write records out (sidecars, queue
// messages, the decision log). Private to pipeline/: it shows nlohmann::json.

#include <nlohmann/json.hpp>

#include "pipeline/decide/decision.h"

namespace pipeline {

nlohmann::json decision_to_json(const Decision& decision);

}  // namespace pipeline

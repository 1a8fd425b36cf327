#pragma once
// Deterministic thresholds that turn a validated decision into what happens to the file.
// They live in the configuration, never in the prompt.

#include <string_view>

#include "pipeline/decide/decision.h"

namespace pipeline {

enum class Outcome { route, escalate, review, failed };

struct Thresholds {
  double accept = 0.6;  // at or above: routed by category
  double review = 0.3;  // below: straight to human review; between: escalated
};

Outcome decide_outcome(const Decision& decision, const Thresholds& thresholds);

std::string_view to_string(Outcome outcome);

}  // namespace pipeline

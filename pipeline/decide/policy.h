#pragma once
// Deterministic thresholds that turn a validated decision into what happens to the file.
// They live in the configuration, never in the prompt.

#include <string_view>

#include "pipeline/decide/decision.h"
#include "pipeline/job.h"

namespace pipeline {

struct Thresholds {
  double accept = 0.6;  // at or above: routed by category
  double review = 0.3;  // below: straight to human review; between: escalated
};

// One of route, escalate or review.
Outcome decide_outcome(const Decision& decision, const Thresholds& thresholds);

}  // namespace pipeline

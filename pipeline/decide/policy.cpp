#include "pipeline/decide/policy.h"

namespace pipeline {

Outcome decide_outcome(const Decision& decision, const Thresholds& thresholds) {
  if (decision.route == Route::human_review) return Outcome::review;
  if (decision.confidence < thresholds.review) return Outcome::review;
  if (decision.route == Route::use_stronger_model) return Outcome::escalate;
  if (decision.confidence < thresholds.accept) return Outcome::escalate;
  return Outcome::route;
}

}  // namespace pipeline

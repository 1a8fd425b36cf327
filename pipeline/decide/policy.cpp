#include "pipeline/decide/policy.h"

namespace pipeline {

Outcome decide_outcome(const Decision& decision, const Thresholds& thresholds) {
  if (decision.route == Route::human_review) return Outcome::review;
  if (decision.confidence < thresholds.review) return Outcome::review;
  if (decision.route == Route::use_stronger_model) return Outcome::escalate;
  if (decision.confidence < thresholds.accept) return Outcome::escalate;
  return Outcome::route;
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::route: return "route";
    case Outcome::escalate: return "escalate";
    case Outcome::review: return "review";
    case Outcome::failed: return "failed";
  }
  return "failed";
}

}  // namespace pipeline

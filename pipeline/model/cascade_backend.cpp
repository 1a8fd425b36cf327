#include "pipeline/model/cascade_backend.h"

#include <spdlog/spdlog.h>

namespace pipeline {
namespace {

TierAnswer tier_of(const Answer& answer) {
  return TierAnswer{answer.model, answer.decision, answer.usage, answer.latency_ms,
                    answer.request_id};
}

}  // namespace

Result<Answer> CascadeBackend::decide(const media::Normalized& input,
                                      const DecideContext& context) {
  auto first = m_first.decide(input, context);
  if (!first) return first;
  const bool unsure = first->decision.route == Route::use_stronger_model ||
                      first->decision.confidence < m_threshold;
  if (!unsure) return first;

  auto second = m_second.decide(input, context);
  if (!second) {
    // The first answer stands; the thresholds will escalate or review it.
    spdlog::warn("stronger model failed ({}: {}); keeping the first answer",
                 to_string(second.error().code), second.error().detail);
    first->tiers.push_back(tier_of(*first));
    return first;
  }
  Answer answer = std::move(*second);
  answer.tiers = {tier_of(*first), tier_of(answer)};
  answer.usage.prompt_tokens += first->usage.prompt_tokens;
  answer.usage.cached_tokens += first->usage.cached_tokens;
  answer.usage.completion_tokens += first->usage.completion_tokens;
  answer.usage.cost_usd += first->usage.cost_usd;
  answer.latency_ms += first->latency_ms;
  answer.attempts += first->attempts;
  answer.prompt_version = first->prompt_version;
  return answer;
}

}  // namespace pipeline

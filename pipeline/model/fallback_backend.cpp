#include "pipeline/model/fallback_backend.h"

#include <spdlog/spdlog.h>

namespace pipeline {

Result<Answer> FallbackBackend::with_local(const media::Normalized& input,
                                           const DecideContext& context, const Error& why) {
  if (!m_local) return tl::unexpected(why);
  auto answer = m_local->decide(input, context);
  if (!answer) return answer;
  answer->fallback_reason = std::string(to_string(why.code)) + ": " + why.detail;
  return answer;
}

Answer FallbackBackend::human_review(const Error& why) const {
  // The category must still come from the taxonomy; the route is what matters here.
  Answer answer;
  answer.decision.category =
      m_taxonomy.find("other") ? "other" : m_taxonomy.categories.front().name;
  answer.decision.confidence = 0;
  answer.decision.route = Route::human_review;
  answer.decision.summary = "no valid model answer (" + std::string(to_string(why.code)) + ")";
  for (const auto& field : m_taxonomy.all_fields())
    answer.decision.fields.emplace(field.name, FieldValue{});
  answer.backend = "fallback";
  answer.model = "human_review";
  answer.raw_reply = to_json(answer.decision);
  answer.fallback_reason = std::string(to_string(why.code)) + ": " + why.detail;
  return answer;
}

Result<Answer> FallbackBackend::decide(const media::Normalized& input,
                                       const DecideContext& context) {
  auto answer = m_primary.decide(input, context);
  if (answer) return answer;
  auto replaced = fall_back(input, context, answer.error());
  // Counted where it happens, so /metrics agrees with the log whatever answered instead.
  if (replaced && m_metrics)
    m_metrics->add("siftd_fallbacks_total",
                   {{"reason", std::string(to_string(answer.error().code))}});
  return replaced;
}

Result<Answer> FallbackBackend::fall_back(const media::Normalized& input,
                                          const DecideContext& context, const Error& why) {
  const auto answer = tl::unexpected(why);
  switch (why.code) {
    case ErrorCode::cancelled:
    case ErrorCode::quota: return answer;
    case ErrorCode::over_budget:
      if (m_policy.on_over_budget == OnOverBudget::park) return answer;
      return with_local(input, context, why);
    case ErrorCode::blocked:
      // The provider refused to look: the local rules must not accept what it would not judge,
      // and the file is not corrupt. A person decides, with the provider's reason.
      spdlog::warn("backend {}: {}; sending to review", m_primary.name(), why.detail);
      return human_review(why);
    default: break;
  }
  spdlog::warn("backend {} failed ({}: {}); falling back", m_primary.name(), to_string(why.code),
               why.detail);
  switch (m_policy.on_failure) {
    case OnFailure::local: return with_local(input, context, why);
    case OnFailure::human_review: return human_review(why);
    case OnFailure::none: return answer;
  }
  return answer;
}

}  // namespace pipeline

#include "pipeline/model/caching_backend.h"

#include <spdlog/spdlog.h>

namespace pipeline {

Result<Answer> CachingBackend::decide(const media::Normalized& input,
                                      const DecideContext& context) {
  if (context.sha256.empty()) return m_inner.decide(input, context);
  const CacheKey key{context.sha256, m_prompt_version, m_model};
  if (auto found = m_cache.find(key); found && *found) {
    // Validated again: a cache row is data like any reply.
    if (auto decision = parse_decision((*found)->decision_json, m_taxonomy)) {
      Answer answer;
      answer.decision = std::move(*decision);
      answer.backend = "cache";
      answer.model = (*found)->answered_by;
      answer.raw_reply = (*found)->decision_json;
      answer.prompt_version = m_prompt_version;
      return answer;
    }
  } else if (!found) {
    spdlog::warn("result cache: {}", found.error().detail);
  }
  auto answer = m_inner.decide(input, context);
  if (answer && answer->fallback_reason.empty() && answer->backend == m_inner.name()) {
    if (auto ok = m_cache.store(
            key, CachedDecision{to_json(answer->decision), answer->model, answer->usage.cost_usd});
        !ok) {
      spdlog::warn("result cache: {}", ok.error().detail);
    }
  }
  return answer;
}

}  // namespace pipeline

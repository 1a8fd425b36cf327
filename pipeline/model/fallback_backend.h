#pragma once
// What a failed model answer turns into. Transient failures that outlived their retries, a
// reply that stayed invalid after its repair, or an open circuit go to the configured fallback:
// the `local` backend, or a human_review decision. A per-day quota and shutdown always park
// (the error passes through); a spend cap parks or goes to `local`, as configured; a file the
// provider blocked always goes to human review, with the provider's reason.

#include "pipeline/decide/backend.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/metrics.h"

namespace pipeline {

enum class OnFailure { local, human_review, none };
enum class OnOverBudget { park, local };

struct FallbackPolicy {
  OnFailure on_failure = OnFailure::local;
  OnOverBudget on_over_budget = OnOverBudget::park;
};

class FallbackBackend final : public Backend {
 public:
  // `local` may be null when neither policy names it.
  // `metrics`, when given, counts each fallback by the error code that caused it.
  FallbackBackend(Backend& primary, Backend* local, Taxonomy taxonomy, FallbackPolicy policy,
                  Metrics* metrics = nullptr)
      : m_primary(primary),
        m_local(local),
        m_taxonomy(std::move(taxonomy)),
        m_policy(policy),
        m_metrics(metrics) {}

  std::string_view name() const override { return m_primary.name(); }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;

 private:
  // The configured replacement for a failed answer, or `why` itself when it must pass through.
  Result<Answer> fall_back(const media::Normalized& input, const DecideContext& context,
                           const Error& why);
  Result<Answer> with_local(const media::Normalized& input, const DecideContext& context,
                            const Error& why);
  Answer human_review(const Error& why) const;

  Backend& m_primary;
  Backend* m_local;
  Taxonomy m_taxonomy;
  FallbackPolicy m_policy;
  Metrics* m_metrics;
};

}  // namespace pipeline

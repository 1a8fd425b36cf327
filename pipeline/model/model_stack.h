#pragma once
// The `openai` and `gemini` backends as the daemon runs them, assembled and owned in one place:
//   cache      content already decided under this prompt and model costs nothing
//   fallback   a failed answer becomes the local backend's, or human review, or a park
//   cascade    an unsure answer is asked again of a stronger model, when one is configured
//   provider   each tier (in its wire format): limits, breaker, retries, validation and
//              repair, cost
// over one LlmClient (libcurl by default) and one spend tracker shared by the tiers.

#include <memory>
#include <optional>
#include <string>

#include "pipeline/clock.h"
#include "pipeline/decide/backend.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/metrics.h"
#include "pipeline/model/fallback_backend.h"
#include "pipeline/model/llm_client.h"
#include "pipeline/model/provider_backend.h"
#include "pipeline/model/spend_tracker.h"

namespace pipeline {

class ResultCache;

struct ModelStackSettings {
  ProviderSettings first;
  std::optional<ProviderSettings> second;  // the escalation model
  double escalation_below = 0.6;
  FallbackPolicy fallback;
  SpendCaps caps;
  int max_in_flight = 16;
  std::string cache_path;   // empty: no result cache
  std::string ledger_path;  // empty: spend is counted per process only
};

// Ports a test may replace; empty members get the real ones.
struct ModelStackPorts {
  std::unique_ptr<LlmClient> client;
  std::shared_ptr<Clock> clock;
  std::function<double()> random;
  Metrics* metrics = nullptr;  // optional: where the tiers record their HTTP outcomes
};

class ModelStack final : public Backend {
 public:
  static Result<std::unique_ptr<ModelStack>> create(ModelStackSettings settings,
                                                    const Taxonomy& taxonomy,
                                                    ModelStackPorts ports = {});
  ~ModelStack() override;

  std::string_view name() const override { return m_first->name(); }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;
  void cancel() override;
  std::string held_back() override;
  std::string degraded() override;
  // Each tier once; a refused key or an unknown model is returned before a transient failure.
  Result<void> probe() override;

  ProviderBackend& first_tier() { return *m_first; }
  SpendTracker& spend() { return *m_spend; }

 private:
  ModelStack() = default;

  std::shared_ptr<Clock> m_clock;
  std::unique_ptr<LlmClient> m_client;
  std::unique_ptr<SpendLedger> m_ledger;
  std::shared_ptr<SpendTracker> m_spend;
  std::unique_ptr<ProviderBackend> m_first;
  std::unique_ptr<ProviderBackend> m_second;
  std::unique_ptr<Backend> m_cascade;
  std::unique_ptr<Backend> m_local;
  std::unique_ptr<Backend> m_fallback;
  std::unique_ptr<ResultCache> m_cache;
  std::unique_ptr<Backend> m_caching;
  Backend* m_top = nullptr;
};

}  // namespace pipeline

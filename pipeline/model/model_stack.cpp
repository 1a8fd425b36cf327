#include "pipeline/model/model_stack.h"

#include "pipeline/decide/local_backend.h"
#include "pipeline/model/caching_backend.h"
#include "pipeline/model/cascade_backend.h"
#include "pipeline/model/curl_llm_client.h"
#include "pipeline/model/result_cache.h"

namespace pipeline {

Result<std::unique_ptr<ModelStack>> ModelStack::create(ModelStackSettings settings,
                                                       const Taxonomy& taxonomy,
                                                       ModelStackPorts ports) {
  std::unique_ptr<ModelStack> stack(new ModelStack());
  stack->m_clock = ports.clock ? std::move(ports.clock) : std::make_shared<SystemClock>();
  if (ports.client) {
    stack->m_client = std::move(ports.client);
  } else {
    CurlClientOptions options;
    options.max_in_flight = settings.max_in_flight;
    auto client = CurlLlmClient::create(options);
    if (!client) return tl::unexpected(client.error());
    stack->m_client = std::move(*client);
  }
  if (!settings.ledger_path.empty()) {
    auto ledger = SpendLedger::open(settings.ledger_path);
    if (!ledger) return tl::unexpected(ledger.error());
    stack->m_ledger = std::move(*ledger);
  }
  stack->m_spend =
      std::make_shared<SpendTracker>(settings.caps, *stack->m_clock, stack->m_ledger.get());
  const ProviderPorts tier_ports{*stack->m_client, *stack->m_clock, stack->m_spend, ports.random,
                                 ports.metrics};

  stack->m_first = std::make_unique<ProviderBackend>(settings.first, taxonomy, tier_ports);
  Backend* decider = stack->m_first.get();
  if (settings.second) {
    stack->m_second = std::make_unique<ProviderBackend>(*settings.second, taxonomy, tier_ports);
    stack->m_cascade = std::make_unique<CascadeBackend>(*stack->m_first, *stack->m_second,
                                                        settings.escalation_below);
    decider = stack->m_cascade.get();
  }
  stack->m_local = std::make_unique<LocalBackend>(taxonomy);
  stack->m_fallback = std::make_unique<FallbackBackend>(*decider, stack->m_local.get(), taxonomy,
                                                        settings.fallback, ports.metrics);
  stack->m_top = stack->m_fallback.get();
  if (!settings.cache_path.empty()) {
    auto cache = ResultCache::open(settings.cache_path);
    if (!cache) return tl::unexpected(cache.error());
    stack->m_cache = std::move(*cache);
    // A cascade answers differently from its first tier alone: both models name the key.
    const std::string models = stack->m_first->model() +
                               (stack->m_second ? " > " + stack->m_second->model() : std::string());
    stack->m_caching = std::make_unique<CachingBackend>(
        *stack->m_fallback, *stack->m_cache, taxonomy, stack->m_first->prompt_version(), models);
    stack->m_top = stack->m_caching.get();
  }
  return stack;
}

ModelStack::~ModelStack() {
  cancel();
}

Result<Answer> ModelStack::decide(const media::Normalized& input, const DecideContext& context) {
  return m_top->decide(input, context);
}

void ModelStack::cancel() {
  if (m_clock) m_clock->interrupt();
  if (m_client) m_client->shutdown();
}

std::string ModelStack::held_back() {
  for (ProviderBackend* tier : {m_first.get(), m_second.get()}) {
    if (!tier) continue;
    if (auto park = tier->limiter().parked()) return "model " + tier->model() + ": " + park->why;
  }
  if (m_spend->is_over()) return "the daily or monthly spend cap is reached";
  return {};
}

std::string ModelStack::degraded() {
  for (ProviderBackend* tier : {m_first.get(), m_second.get()}) {
    if (!tier) continue;
    if (auto why = tier->degraded(); !why.empty()) return why;
  }
  return {};
}

Result<void> ModelStack::probe() {
  Result<void> first_failure;
  for (ProviderBackend* tier : {m_first.get(), m_second.get()}) {
    if (!tier) continue;
    auto probed = tier->probe();
    if (probed) continue;
    const ErrorCode code = probed.error().code;
    if (code == ErrorCode::auth || code == ErrorCode::not_found) return probed;
    if (first_failure) first_failure = std::move(probed);
  }
  return first_failure;
}

}  // namespace pipeline

#include "daemon/backend_factory.h"

#include "pipeline/decide/local_backend.h"
#include "pipeline/model/api_key.h"
#include "pipeline/model/model_stack.h"
#include "pipeline/route/placement.h"

namespace daemon_core {
namespace {

pipeline::ProviderSettings tier_settings(const ModelConfig& model, pipeline::WireKind wire,
                                         const std::string& base_url, const std::string& name,
                                         const std::string& api_key) {
  pipeline::ProviderSettings tier;
  tier.wire = pipeline::WireSettings{wire, model.media_resolution};
  tier.base_url = base_url.empty() ? pipeline::default_base_url(wire) : base_url;
  tier.api_key = api_key;
  tier.request =
      pipeline::RequestOptions{name, model.temperature, model.max_output_tokens,
                               std::string(name_of(model.reasoning_effort)), model.send_ocr_text};
  for (const auto& [header, value] : model.extra_headers)
    tier.extra_headers.push_back(header + ": " + value);
  tier.timeout = std::chrono::milliseconds(model.timeout_ms);
  tier.retry =
      pipeline::RetrySettings{model.max_retries, std::chrono::milliseconds(model.backoff_base_ms),
                              std::chrono::milliseconds(model.backoff_max_ms),
                              std::chrono::seconds(model.max_server_wait_s)};
  tier.limits = pipeline::RateLimits{model.requests_per_minute, model.tokens_per_minute};
  tier.breaker_failures = model.breaker_failures;
  tier.breaker_cooldown = std::chrono::seconds(model.breaker_cooldown_s);
  tier.quota_reset_hour_utc = model.quota_reset_hour_utc;
  tier.max_field_bytes = static_cast<std::size_t>(model.max_field_bytes);
  tier.prices =
      pipeline::Prices{model.price_input_text, model.price_input_image, model.price_input_audio,
                       model.price_input_cached, model.price_output};
  return tier;
}

// The `openai` and `gemini` backends: the same model stack over their own wire formats.
Result<std::unique_ptr<pipeline::Backend>> make_model_stack(const Config& config,
                                                            pipeline::WireKind wire,
                                                            pipeline::Metrics* metrics) {
  const ModelConfig& model = config.model;
  auto api_key = pipeline::load_api_key();
  if (!api_key) {
    return fail(ErrorCode::config, "model.backend = \"" + std::string(name_of(model.backend)) +
                                       "\": " + api_key.error().detail);
  }

  pipeline::ModelStackSettings settings;
  settings.first = tier_settings(model, wire, model.base_url, model.name, *api_key);
  if (!model.escalation_model.empty()) {
    settings.second = tier_settings(
        model, wire, model.escalation_base_url.empty() ? model.base_url : model.escalation_base_url,
        model.escalation_model, *api_key);
  }
  settings.escalation_below = model.escalation_below;
  settings.fallback = pipeline::FallbackPolicy{model.fallback, model.on_over_budget};
  settings.caps = pipeline::SpendCaps{model.daily_budget_usd, model.monthly_budget_usd};
  settings.max_in_flight = model.max_in_flight;
  // One SQLite file holds the result cache and the spend ledger (so caps survive restarts).
  const std::string state_path =
      model.cache_path.empty() ? config.work_area() + "/result_cache.db" : model.cache_path;
  const auto slash = state_path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (auto ok = pipeline::make_directories(state_path.substr(0, slash)); !ok) {
      return fail(ok.error(), "model.cache_path");
    }
  }
  settings.ledger_path = state_path;
  if (model.cache) settings.cache_path = state_path;
  pipeline::ModelStackPorts ports;
  ports.metrics = metrics;
  auto stack = pipeline::ModelStack::create(std::move(settings), config.taxonomy, std::move(ports));
  // The configuration was valid: a store that cannot open is a runtime failure, not a typo.
  if (!stack) return fail(stack.error(), "model");
  return std::unique_ptr<pipeline::Backend>(std::move(*stack));
}

}  // namespace

Result<std::unique_ptr<pipeline::Backend>> make_backend(const Config& config,
                                                        pipeline::Metrics* metrics) {
  switch (config.model.backend) {
    case ModelBackend::local:
      return std::unique_ptr<pipeline::Backend>(
          std::make_unique<pipeline::LocalBackend>(config.taxonomy));
    case ModelBackend::openai: return make_model_stack(config, pipeline::WireKind::openai, metrics);
    case ModelBackend::gemini: return make_model_stack(config, pipeline::WireKind::gemini, metrics);
  }
  return fail(ErrorCode::config, "model.backend: not available");
}

Result<void> probe_backend(pipeline::Backend& backend) {
  auto probed = backend.probe();
  if (probed) return {};
  switch (probed.error().code) {
    case pipeline::ErrorCode::auth:
      return fail(ErrorCode::config,
                  probed.error().detail +
                      "; check SIFTD_API_KEY (or SIFTD_API_KEY_FILE, or the api-key credential)");
    case pipeline::ErrorCode::not_found:
      return fail(ErrorCode::config,
                  probed.error().detail + "; check model.name and model.base_url");
    default: return fail(probed.error());
  }
}

}  // namespace daemon_core

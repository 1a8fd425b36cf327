#pragma once
// One model tier over HTTP (the `openai` and `gemini` backends): one exchange per file in the
// tier's WireFormat, made safe to act on. Before a request: the spend cap, a parked quota, the
// circuit breaker and the rate buckets. After: retries with backoff on transient failures (the
// server's own wait honoured, everyone paused on a 429), the reply validated against the
// taxonomy with one repair attempt, and its usage priced and counted. Whatever comes back is
// cleared of the key (and of any bearer token) before it is parsed, logged or stored. A file
// the provider blocked is a `blocked` error at once, never repaired or retried. It never falls
// back by itself: FallbackBackend decides what a failure turns into.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/clock.h"
#include "pipeline/decide/backend.h"
#include "pipeline/metrics.h"
#include "pipeline/model/circuit_breaker.h"
#include "pipeline/model/llm_client.h"
#include "pipeline/model/rate_limiter.h"
#include "pipeline/model/redaction.h"
#include "pipeline/model/request_builder.h"
#include "pipeline/model/retry_policy.h"
#include "pipeline/model/spend_tracker.h"
#include "pipeline/model/wire_format.h"

namespace pipeline {

struct ProviderSettings {
  WireSettings wire;     // which API, and its own options
  std::string base_url;  // openai: ".../v1" ("/chat/completions" is appended); gemini: the host
  std::string api_key;   // in the format's key header; empty: none sent
  RequestOptions request;
  std::vector<std::string> extra_headers;  // "Name: value"
  std::chrono::milliseconds timeout{30'000};
  RetrySettings retry;
  RateLimits limits;
  int breaker_failures = 5;  // 0: no breaker
  std::chrono::milliseconds breaker_cooldown{30'000};
  int quota_reset_hour_utc = 8;  // per-day quotas reset at midnight Pacific time
  Prices prices;
  std::size_t max_field_bytes = k_default_max_field_bytes;  // a longer text field is cut
};

// The parts an ProviderBackend shares with the process: the transport, time, randomness for the
// jitter, and the spend counted across every model tier.
struct ProviderPorts {
  LlmClient& client;
  Clock& clock;
  std::shared_ptr<SpendTracker> spend;
  std::function<double()> random;  // uniform in [0, 1); empty: a seeded engine
  Metrics* metrics = nullptr;      // HTTP outcomes, requests in flight, circuit state; optional
};

class ProviderBackend final : public Backend {
 public:
  ProviderBackend(ProviderSettings settings, Taxonomy taxonomy, ProviderPorts ports);

  std::string_view name() const override { return m_wire->name(); }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;
  std::string degraded() override;
  // One request for a one-line text, sent once (no retry, no repair): any answer the endpoint
  // gives is ok, whatever its content. The error names the model and the base URL.
  Result<void> probe() override;

  const std::string& prompt_version() const { return m_wire->prompt().version(); }
  const std::string& model() const { return m_settings.request.model; }
  CircuitBreaker& breaker() { return m_breaker; }
  RateLimiter& limiter() { return m_limiter; }

 private:
  struct Reply;
  Result<Reply> exchange(const std::string& body, int tokens, const PromptMix& mix, Answer& answer);
  HttpRequest request_for(const std::string& body) const;
  HttpResult post_counted(const HttpRequest& request);
  // The exchange with every credential taken out of what came back (body, id, error text).
  HttpResult post_redacted(const HttpRequest& request);
  Result<void> wait_for_slot(int tokens);
  // Parks every request for model.max_server_wait_s after the server asked for `asked` (longer).
  tl::unexpected<Error> pause_endpoint(std::chrono::milliseconds asked);
  // Prices one reply's usage, counts it against the caps and adds it to the answer.
  void charge(Usage spent, PromptMix mix, Answer& answer);
  std::chrono::system_clock::time_point next_quota_reset();
  double next_random();
  // Remembers the endpoint's last verdict: a failure that will fall back, or an answer.
  void note_health(const Classified& verdict);
  tl::unexpected<Error> named(const Error& error) const;

  ProviderSettings m_settings;
  std::unique_ptr<WireFormat> m_wire;
  ProviderPorts m_ports;
  RateLimiter m_limiter;
  CircuitBreaker m_breaker;
  Redactor m_redactor;
  int m_prefix_tokens;
  std::mutex m_health_mutex;
  std::string m_degraded;
};

}  // namespace pipeline

#include "pipeline/model/provider_backend.h"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

#include <spdlog/spdlog.h>

#include "pipeline/display_text.h"

namespace pipeline {
namespace {

using std::chrono::milliseconds;

// The key and the values of credential headers (x-goog-api-key, ...): never echoed back.
std::vector<std::string> secrets_of(const ProviderSettings& settings) {
  std::vector<std::string> secrets{settings.api_key};
  for (const auto& header : settings.extra_headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || !is_credential_header(header.substr(0, colon))) continue;
    const auto value = header.find_first_not_of(" \t", colon + 1);
    if (value != std::string::npos) secrets.push_back(header.substr(value));
  }
  return secrets;
}

// What a failure that makes the tier fall back means for the person reading /readyz; empty for
// a failure that is the file's own (a 400, a refusal) or passes (shutdown, a park).
std::string_view what_failed(ErrorCode code) {
  switch (code) {
    case ErrorCode::auth: return "the API key was refused";
    case ErrorCode::not_found: return "the endpoint has no such model";
    case ErrorCode::server: return "the endpoint fails";
    case ErrorCode::network: return "the endpoint cannot be reached";
    case ErrorCode::timeout: return "the endpoint does not answer in time";
    case ErrorCode::rate_limited: return "the endpoint keeps answering 429";
    default: return {};
  }
}

}  // namespace

struct ProviderBackend::Reply {
  std::string content;
  std::string error;
  ErrorCode code = ErrorCode::invalid_reply;
  bool repairable = true;
};

void ProviderBackend::charge(Usage spent, PromptMix mix, Answer& answer) {
  spent.cost_usd = cost_usd(spent, mix, m_settings.prices);
  m_ports.spend->add(spent.cost_usd);
  answer.usage.prompt_tokens += spent.prompt_tokens;
  answer.usage.cached_tokens += spent.cached_tokens;
  answer.usage.completion_tokens += spent.completion_tokens;
  answer.usage.cost_usd += spent.cost_usd;
}

ProviderBackend::ProviderBackend(ProviderSettings settings, Taxonomy taxonomy, ProviderPorts ports)
    : m_settings(std::move(settings)),
      m_wire(make_wire_format(m_settings.wire, std::move(taxonomy))),
      m_ports(std::move(ports)),
      m_limiter(m_settings.limits, m_ports.clock),
      m_breaker(m_settings.breaker_failures, m_settings.breaker_cooldown, m_ports.clock),
      m_redactor(secrets_of(m_settings)),
      m_prefix_tokens(static_cast<int>(
          (m_wire->prompt().system_text().size() + m_wire->prompt().schema_json().size()) / 4)) {
  if (!m_ports.spend) m_ports.spend = std::make_shared<SpendTracker>(SpendCaps{}, m_ports.clock);
}

double ProviderBackend::next_random() {
  if (m_ports.random) return m_ports.random();
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::chrono::system_clock::time_point ProviderBackend::next_quota_reset() {
  using namespace std::chrono;
  const auto now = m_ports.clock.wall_now();
  const auto today = floor<days>(now);
  auto reset = today + hours(m_settings.quota_reset_hour_utc);
  if (reset <= now) reset += days(1);
  return time_point_cast<system_clock::duration>(reset);
}

HttpResult ProviderBackend::post_counted(const HttpRequest& request) {
  if (!m_ports.metrics) return m_ports.client.post(request);
  const Labels model{{"model", m_settings.request.model}};
  m_ports.metrics->adjust("siftd_model_in_flight", model, 1);
  HttpResult result = m_ports.client.post(request);
  m_ports.metrics->adjust("siftd_model_in_flight", model, -1);
  // The HTTP status, or the transport's error code when no response came.
  const std::string code =
      result ? std::to_string(result->status) : std::string(to_string(result.error().code));
  m_ports.metrics->add("siftd_model_requests_total", model);
  if (result)
    m_ports.metrics->observe("siftd_model_request_duration_seconds", model,
                             result->elapsed_ms / 1000);
  m_ports.metrics->add("siftd_model_responses_total",
                       {{"model", m_settings.request.model}, {"code", code}});
  return result;
}

HttpResult ProviderBackend::post_redacted(const HttpRequest& request) {
  HttpResult result = post_counted(request);
  if (!result) return fail(result.error().code, m_redactor.redact(result.error().detail));
  result->body = m_redactor.redact(result->body);
  result->request_id = m_redactor.redact(result->request_id);
  return result;
}

tl::unexpected<Error> ProviderBackend::pause_endpoint(milliseconds asked) {
  using std::chrono::seconds;
  const auto cap = m_settings.retry.max_server_wait;
  const auto until = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      m_ports.clock.wall_now() + cap);
  // The server's wish is capped: a hostile or broken Retry-After must not freeze the daemon.
  Park park{until, ErrorCode::paused,
            "the server asked to wait " +
                std::to_string(std::chrono::duration_cast<seconds>(asked).count()) +
                " s, more than model.max_server_wait_s = " +
                std::to_string(std::chrono::duration_cast<seconds>(cap).count()) +
                " s; requests paused until " + utc_time(until)};
  spdlog::warn("model {}: {}", m_settings.request.model, park.why);
  auto error = fail(ErrorCode::paused, park.why);
  m_limiter.park(std::move(park));
  return error;
}

Result<void> ProviderBackend::wait_for_slot(int tokens) {
  for (;;) {
    const milliseconds wait = m_limiter.try_acquire(tokens);
    if (wait == milliseconds(0)) return {};
    if (!m_ports.clock.sleep_for(wait)) return fail(ErrorCode::cancelled, "shutting down");
  }
}

HttpRequest ProviderBackend::request_for(const std::string& body) const {
  HttpRequest request;
  request.url = m_wire->url(m_settings.base_url, m_settings.request.model);
  request.timeout = m_settings.timeout;
  request.body = body;
  request.headers = m_wire->key_headers(m_settings.api_key);
  for (const auto& header : m_settings.extra_headers) request.headers.push_back(header);
  return request;
}

tl::unexpected<Error> ProviderBackend::named(const Error& error) const {
  const std::string_view what = what_failed(error.code);
  // The base URL as configured: what the person reading it checks and fixes.
  return fail(error.code, "model \"" + m_settings.request.model + "\" at " + m_settings.base_url +
                              ": " + (what.empty() ? "" : std::string(what) + " (") + error.detail +
                              (what.empty() ? "" : ")"));
}

void ProviderBackend::note_health(const Classified& verdict) {
  std::string degraded;
  if (verdict.verdict != Verdict::success) {
    if (what_failed(verdict.code).empty()) return;  // the file's own failure says nothing
    degraded = named(Error{verdict.code, verdict.detail}).value().detail;
  }
  std::lock_guard lock(m_health_mutex);
  if (degraded.empty() && !m_degraded.empty())
    spdlog::info("model {}: answering again", m_settings.request.model);
  m_degraded = std::move(degraded);
}

std::string ProviderBackend::degraded() {
  std::lock_guard lock(m_health_mutex);
  return m_degraded;
}

Result<void> ProviderBackend::probe() {
  // Nothing would be sent now anyway: held_back() says why.
  if (m_ports.spend->is_over() || m_limiter.parked()) return {};
  media::Normalized input;
  input.kind = media::Kind::pdf;  // a text part alone: the smallest request every format builds
  input.parts.push_back(media::Part{media::PartType::text, "text/plain",
                                    "siftd start-up check: a one-line text file.", "page 1 text"});
  input.token_estimate = 16;
  auto body = m_wire->build(input, m_settings.request, std::nullopt);
  if (!body) return tl::unexpected(body.error());
  const HttpResult result = post_redacted(request_for(*body));
  const Classified verdict = classify(result, m_ports.clock.wall_now());
  // Any failure here, even one a retry might pass, leaves the tier degraded until it answers.
  if (verdict.verdict != Verdict::success) {
    auto error = named(Error{verdict.code, verdict.detail});
    std::lock_guard lock(m_health_mutex);
    m_degraded = "start-up probe: " + error.value().detail;
    return error;
  }
  note_health(verdict);
  if (const WireReply reply = m_wire->read(result->body); reply.usage) {
    Answer spent;
    charge(*reply.usage, estimate_mix(input, m_prefix_tokens), spent);
  }
  return {};
}

Result<ProviderBackend::Reply> ProviderBackend::exchange(const std::string& body, int tokens,
                                                         const PromptMix& mix, Answer& answer) {
  const HttpRequest request = request_for(body);

  for (int retry = 0;; ++retry) {
    if (auto parked = m_limiter.parked()) return fail(parked->code, parked->why);
    if (!m_breaker.allow())
      return fail(ErrorCode::circuit_open, "the endpoint failed repeatedly; waiting to probe");
    if (auto ok = wait_for_slot(tokens); !ok) return tl::unexpected(ok.error());

    const HttpResult result = post_redacted(request);
    ++answer.attempts;
    const Classified verdict = classify(result, m_ports.clock.wall_now());
    const bool endpoint_failed =
        verdict.verdict != Verdict::success &&
        (verdict.code == ErrorCode::server || verdict.code == ErrorCode::timeout ||
         verdict.code == ErrorCode::network);
    if (endpoint_failed) {
      m_breaker.record_failure();
    } else {
      m_breaker.record_success();
    }
    if (m_ports.metrics) {
      m_ports.metrics->set("siftd_model_circuit_open", {{"model", m_settings.request.model}},
                           m_breaker.state() == CircuitState::closed ? 0 : 1);
    }

    if (verdict.verdict != Verdict::retry || retry >= m_settings.retry.max_retries)
      note_health(verdict);
    switch (verdict.verdict) {
      case Verdict::success: {
        WireReply reply = m_wire->read(result->body);
        answer.request_id = reply.id.empty() ? result->request_id : reply.id;
        if (reply.usage) {
          // The provider's own split by modality, when it gave one, beats the estimate.
          PromptMix billed = mix;
          if (reply.audio_share) billed.audio_share = *reply.audio_share;
          if (reply.image_share) billed.image_share = *reply.image_share;
          charge(*reply.usage, billed, answer);
        }
        spdlog::debug("model {}: request {} answered in {:.0f} ms", m_settings.request.model,
                      answer.request_id, result->elapsed_ms);
        return Reply{std::move(reply.content), std::move(reply.error), reply.code,
                     reply.repairable};
      }
      case Verdict::park: {
        const auto until = next_quota_reset();
        Park park{until, ErrorCode::quota,
                  "the per-day quota is spent; parked until " + utc_time(until)};
        spdlog::warn("model {}: {}", m_settings.request.model, park.why);
        m_limiter.park(std::move(park));
        return fail(ErrorCode::quota, verdict.detail);
      }
      case Verdict::give_up: return fail(verdict.code, verdict.detail);
      case Verdict::retry: break;
    }
    if (verdict.server_delay && *verdict.server_delay > m_settings.retry.max_server_wait) {
      return pause_endpoint(*verdict.server_delay);
    }
    if (retry >= m_settings.retry.max_retries) {
      return fail(verdict.code,
                  verdict.detail + " (after " + std::to_string(retry + 1) + " attempts)");
    }
    const milliseconds wait = verdict.server_delay
                                  ? *verdict.server_delay
                                  : backoff_delay(retry, m_settings.retry, next_random());
    spdlog::info("model {}: {}; retry {} in {} ms", m_settings.request.model,
                 to_string(verdict.code), retry + 1, wait.count());
    if (m_ports.metrics)
      m_ports.metrics->add("siftd_model_retries_total", {{"model", m_settings.request.model}});
    if (verdict.code == ErrorCode::rate_limited) {
      // The limit is the key's, not this request's: everyone waits.
      m_limiter.pause_for(wait);
    } else if (!m_ports.clock.sleep_for(wait)) {
      return fail(ErrorCode::cancelled, "shutting down");
    }
  }
}

Result<Answer> ProviderBackend::decide(const media::Normalized& input, const DecideContext&) {
  const auto start = std::chrono::steady_clock::now();
  if (m_ports.spend->is_over())
    return fail(ErrorCode::over_budget, "the daily or monthly spend cap is reached");

  Answer answer;
  answer.backend = std::string(m_wire->name());
  answer.model = m_settings.request.model;
  answer.prompt_version = m_wire->prompt().version();
  const int tokens = m_prefix_tokens + input.token_estimate + m_settings.request.max_output_tokens;
  const PromptMix mix = estimate_mix(input, m_prefix_tokens);

  std::optional<Repair> repair;
  for (int round = 0; round < 2; ++round) {
    auto body = m_wire->build(input, m_settings.request, repair);
    if (!body) return tl::unexpected(body.error());
    auto reply = exchange(*body, tokens, mix, answer);
    if (!reply) return tl::unexpected(reply.error());
    answer.raw_reply = capped_utf8(reply->content, k_max_raw_reply_bytes);
    // A refusal or a cut-off answer: asking the same again cannot help.
    if (!reply->error.empty() && !reply->repairable) {
      spdlog::info("model {}: {}", m_settings.request.model, reply->error);
      return fail(reply->code, reply->error);
    }
    auto decision = reply->error.empty()
                        ? parse_decision(reply->content, m_wire->prompt().taxonomy())
                        : Result<Decision>(fail(reply->code, reply->error));
    if (decision) {
      if (const int cut = cap_fields(*decision, m_settings.max_field_bytes); cut > 0) {
        spdlog::info("model {}: {} field value(s) longer than model.max_field_bytes = {} were cut",
                     m_settings.request.model, cut, m_settings.max_field_bytes);
      }
      answer.decision = std::move(*decision);
      answer.latency_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      return answer;
    }
    spdlog::info("model {}: invalid reply ({}){}", m_settings.request.model,
                 decision.error().detail, round == 0 ? "; asking once more" : "");
    if (round == 1) return fail(ErrorCode::invalid_reply, decision.error().detail);
    repair = Repair{reply->content, decision.error().detail};
  }
  return fail(ErrorCode::internal, "unreachable");
}

}  // namespace pipeline

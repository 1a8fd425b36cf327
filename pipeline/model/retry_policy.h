#pragma once
// What to do with one HTTP exchange's result: done, retry after a wait, give up, or park on a
// per-day quota. Reads the server's hints (Retry-After as seconds or an HTTP date; Gemini's
// RetryInfo.retryDelay and QuotaFailure in the error body, which may come wrapped in a JSON
// array) and computes exponential backoff with full jitter otherwise.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/error.h"
#include "pipeline/model/llm_client.h"

namespace pipeline {

struct RetrySettings {
  int max_retries = 4;
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  // The longest server-asked wait (Retry-After, RetryInfo) honoured by waiting; beyond it the
  // endpoint is parked for this long and files fall back as configured.
  std::chrono::milliseconds max_server_wait{300'000};
};

enum class Verdict { success, retry, give_up, park };

struct Classified {
  Verdict verdict = Verdict::give_up;
  ErrorCode code = ErrorCode::internal;                   // meaningful unless success
  std::optional<std::chrono::milliseconds> server_delay;  // the server's own wait, when it said
  std::string detail;
};

Classified classify(const HttpResult& result, std::chrono::system_clock::time_point now);

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view header, std::chrono::system_clock::time_point now);
std::optional<std::chrono::milliseconds> parse_retry_info(std::string_view body);
// Whether a 429 body's QuotaFailure names a per-day quota (retrying today is pointless).
bool names_per_day_quota(std::string_view body);
// Whether a 400 body's ErrorInfo says the key itself was refused (Google answers a wrong or
// blocked key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID, not with 401).
bool names_refused_key(std::string_view body);

// Full jitter: a uniform wait in [0, min(max, base * 2^retry)]; `uniform01` is in [0, 1).
std::chrono::milliseconds backoff_delay(int retry, const RetrySettings& settings, double uniform01);

}  // namespace pipeline

// The server's wait hints: the first line of the input is a Retry-After header (seconds or an
// HTTP date), the rest an error body (Gemini's RetryInfo and QuotaFailure, maybe wrapped in a
// JSON array). Any hint yields no wait or a wait that is not negative, and classify() turns a
// 429 or 503 carrying them into a verdict without throwing.

#include <chrono>

#include "pipeline/model/retry_policy.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto newline = text.find('\n');
  const std::string_view header = text.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  // 2026-03-10 12:00:00 UTC, fixed so that a finding replays the same way.
  const std::chrono::system_clock::time_point now{std::chrono::seconds(1'773'144'000)};

  if (const auto wait = pipeline::parse_retry_after(header, now)) {
    fuzz::check(wait->count() >= 0, "a Retry-After wait is not negative");
  }
  if (const auto wait = pipeline::parse_retry_info(body)) {
    fuzz::check(wait->count() >= 0, "a RetryInfo wait is not negative");
  }
  (void)pipeline::names_per_day_quota(body);
  for (const long status : {429L, 503L}) {
    pipeline::HttpResponse response;
    response.status = status;
    response.retry_after = std::string(header);
    response.body = std::string(body);
    const pipeline::Classified verdict = pipeline::classify(response, now);
    fuzz::check(
        verdict.verdict == pipeline::Verdict::retry || verdict.verdict == pipeline::Verdict::park,
        "a 429 or 503 is retried or parked");
    fuzz::check(!verdict.server_delay || verdict.server_delay->count() >= 0,
                "the server's delay is not negative");
  }
  return 0;
}

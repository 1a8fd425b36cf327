#include "pipeline/model/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <nlohmann/json.hpp>

#include "pipeline/display_text.h"

namespace pipeline {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Gemini's compatibility endpoint sometimes wraps the error object in an array.
json error_object(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array() && !parsed.empty()) parsed = parsed.front();
  if (!parsed.is_object()) return json();
  const auto error = parsed.find("error");
  return error != parsed.end() && error->is_object() ? *error : json();
}

json details_of(std::string_view body) {
  const json error = error_object(body);
  if (!error.is_object()) return json::array();
  const auto details = error.find("details");
  return details != error.end() && details->is_array() ? *details : json::array();
}

bool type_is(const json& detail, std::string_view suffix) {
  const auto type = detail.find("@type");
  if (type == detail.end() || !type->is_string()) return false;
  const auto& text = type->get_ref<const std::string&>();
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The error body is the server's (or whoever answers in its place): a field of an unexpected
// type reads as absent rather than throwing out of classify().
std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number, or a string holding one (proto3 JSON writes a Duration's int64 seconds as a string).
double number_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) return 0;
  const auto& text = it->get_ref<const std::string&>();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' ? value : 0;
}

// The start of an error body, for the error detail: untrusted, so made printable and short.
std::string snippet(std::string_view body) {
  return printable(body, 200);
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view header,
                                              std::chrono::system_clock::time_point now) {
  if (header.empty()) return std::nullopt;
  if (std::all_of(header.begin(), header.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (header.size() > 9) return std::nullopt;
    return milliseconds(std::stoll(std::string(header)) * 1000);
  }
  // An HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(header);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return std::nullopt;
  // In milliseconds, not the clock's nanoseconds: a date centuries ahead must not overflow.
  const auto wait = std::chrono::seconds(timegm(&tm)) -
                    std::chrono::duration_cast<milliseconds>(now.time_since_epoch());
  return std::max(milliseconds(0), wait);
}

std::optional<milliseconds> parse_retry_info(std::string_view body) {
  for (const auto& detail : details_of(body)) {
    if (!detail.is_object() || !type_is(detail, "google.rpc.RetryInfo")) continue;
    const auto delay = detail.find("retryDelay");
    if (delay == detail.end()) continue;
    // A protobuf Duration in JSON: "12s" or "0.5s".
    if (delay->is_string()) {
      const auto& text = delay->get_ref<const std::string&>();
      char* end = nullptr;
      const double seconds = std::strtod(text.c_str(), &end);
      if (end != text.c_str() && std::isfinite(seconds) && seconds >= 0 && seconds < 1e7) {
        return milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
      }
    } else if (delay->is_object()) {
      const double seconds = number_at(*delay, "seconds") + number_at(*delay, "nanos") / 1e9;
      if (seconds >= 0 && seconds < 1e7)
        return milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
    }
  }
  return std::nullopt;
}

bool names_per_day_quota(std::string_view body) {
  for (const auto& detail : details_of(body)) {
    if (!detail.is_object() || !type_is(detail, "google.rpc.QuotaFailure")) continue;
    const auto violations = detail.find("violations");
    if (violations == detail.end() || !violations->is_array()) continue;
    for (const auto& violation : *violations) {
      if (!violation.is_object()) continue;
      const std::string id = string_at(violation, "quotaId") + string_at(violation, "quotaMetric");
      if (id.find("PerDay") != std::string::npos || id.find("per_day") != std::string::npos)
        return true;
    }
  }
  return false;
}

bool names_refused_key(std::string_view body) {
  for (const auto& detail : details_of(body)) {
    if (!detail.is_object() || !type_is(detail, "google.rpc.ErrorInfo")) continue;
    if (string_at(detail, "reason").rfind("API_KEY_", 0) == 0) return true;
  }
  return false;
}

milliseconds backoff_delay(int retry, const RetrySettings& settings, double uniform01) {
  const double ceiling = std::min(
      static_cast<double>(settings.max_delay.count()),
      static_cast<double>(settings.base_delay.count()) * std::ldexp(1.0, std::min(retry, 30)));
  return milliseconds(static_cast<long long>(std::clamp(uniform01, 0.0, 1.0) * ceiling));
}

Classified classify(const HttpResult& result, std::chrono::system_clock::time_point now) {
  if (!result) {
    const ErrorCode code = result.error().code;
    const bool transient = code == ErrorCode::timeout || code == ErrorCode::network;
    return Classified{transient ? Verdict::retry : Verdict::give_up, code, std::nullopt,
                      result.error().detail};
  }
  const HttpResponse& response = *result;
  const long status = response.status;
  if (status >= 200 && status < 300)
    return Classified{Verdict::success, ErrorCode::internal, std::nullopt, {}};
  const std::string detail = "HTTP " + std::to_string(status) + ": " + snippet(response.body);
  if (status == 429) {
    if (names_per_day_quota(response.body))
      return Classified{Verdict::park, ErrorCode::quota, std::nullopt, detail};
    auto delay = parse_retry_after(response.retry_after, now);
    if (!delay) delay = parse_retry_info(response.body);
    return Classified{Verdict::retry, ErrorCode::rate_limited, delay, detail};
  }
  if (status == 500 || status == 502 || status == 503 || status == 504) {
    return Classified{Verdict::retry, ErrorCode::server,
                      parse_retry_after(response.retry_after, now), detail};
  }
  if (status >= 500) return Classified{Verdict::give_up, ErrorCode::server, std::nullopt, detail};
  // Configuration errors, not the file's: every request fails the same until someone acts.
  if (status == 401 || status == 403 || (status == 400 && names_refused_key(response.body)))
    return Classified{Verdict::give_up, ErrorCode::auth, std::nullopt, detail};
  if (status == 404)
    return Classified{Verdict::give_up, ErrorCode::not_found, std::nullopt, detail};
  return Classified{Verdict::give_up, ErrorCode::client, std::nullopt, detail};
}

}  // namespace pipeline

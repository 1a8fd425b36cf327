#include "pipeline/model/retry_policy.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

using std::chrono::milliseconds;

const auto k_now =
    std::chrono::system_clock::from_time_t(784'111'777);  // Sun, 06 Nov 1994 08:49:37 GMT

HttpResult response(long status, std::string body = "{}", std::string retry_after = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  return r;
}

TEST(RetryPolicy, reads_retry_after_in_seconds_and_as_an_http_date) {
  EXPECT_EQ(parse_retry_after("12", k_now), milliseconds(12'000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", k_now), milliseconds(10'000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", k_now), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("soon", k_now));
  EXPECT_FALSE(parse_retry_after("", k_now));
}

TEST(RetryPolicy, reads_retry_info_plain_or_wrapped_in_an_array) {
  const std::string inner =
      R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"41s"}]}})";
  EXPECT_EQ(parse_retry_info(inner), milliseconds(41'000));
  EXPECT_EQ(parse_retry_info("[" + inner + "]"), milliseconds(41'000));
  EXPECT_EQ(
      parse_retry_info(R"({"error":{"details":[{"@type":"x.RetryInfo","retryDelay":"0.25s"}]}})"),
      std::nullopt);
  EXPECT_FALSE(parse_retry_info("not json"));
}

TEST(RetryPolicy, tells_a_per_day_quota_from_a_per_minute_one) {
  const auto body = [](const std::string& id) {
    return R"([{"error":{"details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":")" +
           id + R"("}]}]}}])";
  };
  EXPECT_TRUE(names_per_day_quota(body("GenerateRequestsPerDayPerProjectPerModel-FreeTier")));
  EXPECT_FALSE(names_per_day_quota(body("GenerateRequestsPerMinutePerProjectPerModel")));
  EXPECT_EQ(
      classify(response(429, body("GenerateRequestsPerDayPerProjectPerModel")), k_now).verdict,
      Verdict::park);
}

// Inputs that crashed fuzz_retry (also replayed from tests/fuzz/regressions/retry/).
TEST(RetryPolicy, a_date_centuries_ahead_is_a_long_wait_not_an_overflow) {
  const auto wait = parse_retry_after("Sat, 01 Jan 2300 00:00:00 GMT", k_now);
  ASSERT_TRUE(wait);
  // 1994-11-06 08:49:37 to 2300-01-01 00:00:00.
  EXPECT_EQ(*wait, milliseconds((10'413'792'000LL - 784'111'777LL) * 1000));
}

TEST(RetryPolicy, fields_of_an_unexpected_type_in_a_429_body_are_read_as_absent) {
  const std::string retry_info =
      R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":{"seconds":"3","nanos":true}}]}})";
  // proto3 JSON writes int64 seconds as a string; a wrong type (nanos) counts as zero.
  EXPECT_EQ(parse_retry_info(retry_info), milliseconds(3000));
  const std::string quota =
      R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":5,"quotaMetric":["PerDay"]}]}]}})";
  EXPECT_FALSE(names_per_day_quota(quota));
  const Classified verdict = classify(response(429, quota), k_now);
  EXPECT_EQ(verdict.verdict, Verdict::retry);
  EXPECT_EQ(verdict.code, ErrorCode::rate_limited);
}

TEST(RetryPolicy, retries_only_what_may_pass_on_a_second_try) {
  for (const long status : {429L, 500L, 502L, 503L, 504L}) {
    EXPECT_EQ(classify(response(status), k_now).verdict, Verdict::retry) << status;
  }
  for (const auto& [status, code] :
       {std::pair{400L, ErrorCode::client}, std::pair{401L, ErrorCode::auth},
        std::pair{403L, ErrorCode::auth}, std::pair{404L, ErrorCode::not_found},
        std::pair{422L, ErrorCode::client}}) {
    const auto verdict = classify(response(status), k_now);
    EXPECT_EQ(verdict.verdict, Verdict::give_up) << status;
    EXPECT_EQ(verdict.code, code) << status;
  }
  EXPECT_EQ(classify(fail(ErrorCode::timeout, "slow"), k_now).verdict, Verdict::retry);
  EXPECT_EQ(classify(fail(ErrorCode::network, "reset"), k_now).verdict, Verdict::retry);
  EXPECT_EQ(classify(fail(ErrorCode::cancelled, "bye"), k_now).verdict, Verdict::give_up);
  EXPECT_EQ(classify(response(200), k_now).verdict, Verdict::success);
}

TEST(RetryPolicy, a_key_google_refuses_with_a_400_is_an_auth_error) {
  const std::string refused =
      R"([{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"API key not valid.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}])";
  EXPECT_EQ(classify(response(400, refused), k_now).code, ErrorCode::auth);
  const std::string other =
      R"({"error":{"code":400,"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"FIELD_INVALID"}]}})";
  EXPECT_EQ(classify(response(400, other), k_now).code, ErrorCode::client);
}

TEST(RetryPolicy, prefers_the_servers_wait) {
  EXPECT_EQ(classify(response(429, "{}", "9"), k_now).server_delay, milliseconds(9000));
  EXPECT_EQ(classify(response(503, "{}", "2"), k_now).server_delay, milliseconds(2000));
}

TEST(RetryPolicy, backs_off_exponentially_with_full_jitter_up_to_the_cap) {
  const RetrySettings settings{5, milliseconds(500), milliseconds(4000)};
  EXPECT_EQ(backoff_delay(0, settings, 0.0), milliseconds(0));
  EXPECT_EQ(backoff_delay(0, settings, 0.999), milliseconds(499));
  EXPECT_EQ(backoff_delay(2, settings, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(10, settings, 0.5), milliseconds(2000));
}

}  // namespace
}  // namespace pipeline

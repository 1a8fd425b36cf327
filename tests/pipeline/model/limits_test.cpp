// The client-side limits: rate buckets, the breaker and the spend caps, on a fake clock.

#include <gtest/gtest.h>

#include "pipeline/model/circuit_breaker.h"
#include "pipeline/model/rate_limiter.h"
#include "pipeline/model/spend_tracker.h"
#include "tests/fakes/fake_clock.h"
#include "tests/pipeline/test_inputs.h"
#include "tests/temp_dir.h"

namespace pipeline {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, spaces_requests_once_the_minute_bucket_is_empty) {
  fakes::FakeClock clock;
  RateLimiter limiter(RateLimits{120, 0}, clock);
  for (int i = 0; i < 120; ++i) ASSERT_EQ(limiter.try_acquire(1), milliseconds(0));
  EXPECT_EQ(limiter.try_acquire(1), milliseconds(500));
  clock.advance(milliseconds(500));
  EXPECT_EQ(limiter.try_acquire(1), milliseconds(0));
}

TEST(RateLimiter, counts_tokens_and_lets_an_oversized_request_through_a_full_bucket) {
  fakes::FakeClock clock;
  RateLimiter limiter(RateLimits{0, 6000}, clock);
  EXPECT_EQ(limiter.try_acquire(4000), milliseconds(0));
  EXPECT_EQ(limiter.try_acquire(4000), milliseconds(20'000));
  clock.advance(milliseconds(40'000));
  EXPECT_EQ(limiter.try_acquire(10'000), milliseconds(0))
      << "bigger than the bucket, sent when full";
  EXPECT_GT(limiter.try_acquire(1), milliseconds(0));
}

TEST(RateLimiter, pauses_everyone_after_a_429) {
  fakes::FakeClock clock;
  RateLimiter limiter(RateLimits{}, clock);
  limiter.pause_for(milliseconds(3000));
  limiter.pause_for(milliseconds(1000));
  EXPECT_EQ(limiter.try_acquire(1), milliseconds(3000));
  clock.advance(milliseconds(3000));
  EXPECT_EQ(limiter.try_acquire(1), milliseconds(0));
}

TEST(RateLimiter, a_park_holds_until_its_time_and_a_shorter_one_never_cuts_it_short) {
  fakes::FakeClock clock;
  RateLimiter limiter(RateLimits{}, clock);
  EXPECT_FALSE(limiter.parked());
  const auto now = clock.wall_now();
  limiter.park(Park{now + std::chrono::minutes(5), ErrorCode::paused, "five minutes"});
  limiter.park(Park{now + std::chrono::minutes(1), ErrorCode::quota, "one minute"});
  ASSERT_TRUE(limiter.parked());
  EXPECT_EQ(limiter.parked()->why, "five minutes");
  EXPECT_EQ(limiter.parked()->code, ErrorCode::paused);
  clock.advance(std::chrono::minutes(5));
  EXPECT_FALSE(limiter.parked()) << "it ends at its time";
}

TEST(CircuitBreaker, opens_after_consecutive_failures_and_lets_one_probe_through) {
  fakes::FakeClock clock;
  CircuitBreaker breaker(3, milliseconds(1000), clock);
  breaker.record_failure();
  breaker.record_failure();
  breaker.record_success();
  breaker.record_failure();
  breaker.record_failure();
  EXPECT_TRUE(breaker.allow()) << "the success reset the count";
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitState::open);
  EXPECT_FALSE(breaker.allow());
  clock.advance(milliseconds(1000));
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow()) << "one probe at a time";
  breaker.record_success();
  EXPECT_EQ(breaker.state(), CircuitState::closed);
  EXPECT_TRUE(breaker.allow());
}

TEST(SpendTracker, prices_cached_tokens_as_cached_and_audio_as_audio) {
  const Prices prices;  // 0.10 text, 0.30 audio, 0.025 cached, 0.40 output per million
  const Usage usage{1'000'000, 400'000, 100'000, 0};
  EXPECT_NEAR(cost_usd(usage, PromptMix{}, prices), 0.06 + 0.01 + 0.04, 1e-12);
  EXPECT_NEAR(cost_usd(usage, PromptMix{1.0, 0}, prices), 0.18 + 0.01 + 0.04, 1e-12);
  const PromptMix audio = estimate_mix(pipeline_test::audio_input(), 0);
  EXPECT_GT(audio.audio_share, 0.9);
  const PromptMix image = estimate_mix(pipeline_test::image_input(), 258);
  EXPECT_NEAR(image.image_share, 0.5, 0.05);
}

TEST(SpendTracker, caps_per_utc_day_and_month) {
  fakes::FakeClock clock;
  SpendTracker daily(SpendCaps{1.0, 0}, clock);
  daily.add(0.6);
  EXPECT_FALSE(daily.is_over());
  daily.add(0.4);
  EXPECT_TRUE(daily.is_over());
  clock.advance(std::chrono::hours(24));
  EXPECT_FALSE(daily.is_over());

  SpendTracker monthly(SpendCaps{0, 2.0}, clock);
  monthly.add(1.5);
  clock.advance(std::chrono::hours(24));
  monthly.add(0.5);
  EXPECT_TRUE(monthly.is_over());
  EXPECT_DOUBLE_EQ(monthly.spent_today(), 0.5);
  clock.advance(std::chrono::hours(24 * 31));
  EXPECT_FALSE(monthly.is_over());
}

TEST(SpendTracker, keeps_its_sums_across_restarts_through_the_ledger) {
  siftd_test::TempDir dir;
  fakes::FakeClock clock;
  {
    auto ledger = SpendLedger::open(dir / "state.db");
    ASSERT_TRUE(ledger) << ledger.error().detail;
    SpendTracker spend(SpendCaps{1.0, 1.5}, clock, ledger->get());
    spend.add(0.7);
  }
  auto ledger = SpendLedger::open(dir / "state.db");
  ASSERT_TRUE(ledger);
  SpendTracker restarted(SpendCaps{1.0, 1.5}, clock, ledger->get());
  EXPECT_DOUBLE_EQ(restarted.spent_today(), 0.7);
  restarted.add(0.3);
  EXPECT_TRUE(restarted.is_over());
  clock.advance(std::chrono::hours(24));
  EXPECT_FALSE(restarted.is_over()) << "a new day";
  restarted.add(0.5);
  EXPECT_TRUE(restarted.is_over()) << "the month's 1.5 is reached";
  EXPECT_DOUBLE_EQ(restarted.spent_this_month(), 1.5);
}

}  // namespace
}  // namespace pipeline

#include "pipeline/route/backoff_publisher.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"

namespace pipeline {
namespace {

using std::chrono::milliseconds;

// A queue that is up or down as the test says, and counts the attempts that reached it.
class SwitchedPublisher final : public QueuePublisher {
 public:
  std::string_view kind() const override { return "switched"; }
  Result<void> publish(const std::string&, const std::string&) override {
    ++attempts;
    if (!up) return fail(ErrorCode::queue, "down");
    return {};
  }
  bool up = false;
  int attempts = 0;
};

TEST(BackoffPublisher, waits_twice_as_long_after_each_failure_up_to_the_cap) {
  auto inner = std::make_shared<SwitchedPublisher>();
  auto clock = std::make_shared<fakes::FakeClock>();
  BackoffPublisher publisher(inner, clock, {milliseconds(1000), milliseconds(4000)});
  EXPECT_FALSE(publisher.publish("m", "{}"));
  EXPECT_EQ(inner->attempts, 1);
  // Each wait, then one attempt: 1 s, 2 s, 4 s, and 4 s again (the cap).
  for (const int wait_ms : {1000, 2000, 4000, 4000}) {
    clock->advance(milliseconds(wait_ms - 1));
    const int before = inner->attempts;
    auto refused = publisher.publish("m", "{}");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().detail.find("down"), std::string::npos) << refused.error().detail;
    EXPECT_EQ(inner->attempts, before) << "no attempt before " << wait_ms << " ms";
    clock->advance(milliseconds(1));
    EXPECT_FALSE(publisher.publish("m", "{}"));
    EXPECT_EQ(inner->attempts, before + 1);
  }
}

TEST(BackoffPublisher, one_success_ends_the_backoff) {
  auto inner = std::make_shared<SwitchedPublisher>();
  auto clock = std::make_shared<fakes::FakeClock>();
  BackoffPublisher publisher(inner, clock, {milliseconds(1000), milliseconds(30'000)});
  EXPECT_FALSE(publisher.publish("m", "{}"));
  clock->advance(milliseconds(1000));
  inner->up = true;
  EXPECT_TRUE(publisher.publish("m", "{}"));
  EXPECT_TRUE(publisher.publish("m", "{}"));
  EXPECT_EQ(inner->attempts, 3);
}

// Fails every attempt; the first one, while it runs, lets a second attempt start and fail,
// as two workers publishing at the same moment would.
class OverlappingFailures final : public QueuePublisher {
 public:
  explicit OverlappingFailures(fakes::FakeClock& clock) : m_clock(clock) {}
  std::string_view kind() const override { return "overlapping"; }
  Result<void> publish(const std::string& message_id, const std::string& payload) override {
    ++attempts;
    m_clock.advance(milliseconds(1));
    if (attempts == 1 && outer) (void)outer->publish(message_id, payload);
    m_clock.advance(milliseconds(3));
    return fail(ErrorCode::queue, "down");
  }
  BackoffPublisher* outer = nullptr;
  int attempts = 0;

 private:
  fakes::FakeClock& m_clock;
};

TEST(BackoffPublisher, failures_of_attempts_made_at_once_count_as_one) {
  auto clock = std::make_shared<fakes::FakeClock>();
  auto inner = std::make_shared<OverlappingFailures>(*clock);
  BackoffPublisher publisher(inner, clock, {milliseconds(1000), milliseconds(30'000)});
  inner->outer = &publisher;
  EXPECT_FALSE(publisher.publish("m", "{}"));
  ASSERT_EQ(inner->attempts, 2);
  // One failure's wait (1 s from the last failure), not two failures' (2 s).
  clock->advance(milliseconds(999));
  EXPECT_FALSE(publisher.publish("m", "{}"));
  EXPECT_EQ(inner->attempts, 2);
  clock->advance(milliseconds(1));
  EXPECT_FALSE(publisher.publish("m", "{}"));
  EXPECT_EQ(inner->attempts, 3);
}

}  // namespace
}  // namespace pipeline

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

}  // namespace
}  // namespace pipeline

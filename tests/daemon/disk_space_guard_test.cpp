#include "daemon/disk_space_guard.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"

namespace daemon_core {

TEST(DiskSpaceGuard, pauses_under_the_minimum_and_resumes_above_it) {
  fakes::FakeClock clock;
  std::uint64_t free_on_out = 10ull << 20;
  DiskSpaceGuard guard({"/work", "/out"}, 64ull << 20, clock, [&](const std::string& path) {
    return path == "/out" ? free_on_out : (1ull << 40);
  });
  EXPECT_FALSE(guard.allows_intake());
  free_on_out = 100ull << 20;
  EXPECT_FALSE(guard.allows_intake()) << "re-checked at most once a second";
  clock.advance(std::chrono::seconds(1));
  EXPECT_TRUE(guard.allows_intake());
}

TEST(DiskSpaceGuard, zero_minimum_never_pauses) {
  fakes::FakeClock clock;
  DiskSpaceGuard guard({"/out"}, 0, clock, [](const std::string&) { return 0ull; });
  EXPECT_TRUE(guard.allows_intake());
}

TEST(DiskSpaceGuard, a_missing_destination_is_measured_at_its_parent) {
  EXPECT_GT(free_bytes_at("/tmp/siftd-does-not-exist/yet/deeper"), 0u);
}

}  // namespace daemon_core

#include "daemon/settler.h"

#include <gtest/gtest.h>

#include "../temp_dir.h"
#include "tests/fakes/fake_clock.h"

namespace daemon_core {
namespace {

using std::chrono::milliseconds;

class SettlerTest : public ::testing::Test {
 protected:
  siftd_test::TempDir m_dir;
  fakes::FakeClock m_clock;
  Settler m_settler{m_clock, milliseconds(1000)};
};

}  // namespace

TEST_F(SettlerTest, closed_file_is_ready_only_after_the_settle_time) {
  const auto path = m_dir / "a.jpg";
  siftd_test::write_file(path, "data");
  m_settler.opened_for_writing(path);
  m_settler.closed_after_writing(path);
  EXPECT_TRUE(m_settler.take_ready().empty());
  m_clock.advance(milliseconds(999));
  EXPECT_TRUE(m_settler.take_ready().empty());
  m_clock.advance(milliseconds(1));
  EXPECT_EQ(m_settler.take_ready(), std::vector<std::string>{path});
  EXPECT_TRUE(m_settler.take_ready().empty()) << "a path is handed out once";
}

TEST_F(SettlerTest, a_file_still_open_for_writing_is_never_ready) {
  const auto path = m_dir / "slow.bin";
  siftd_test::write_file(path, "part one");
  m_settler.opened_for_writing(path);
  m_clock.advance(milliseconds(5000));
  EXPECT_TRUE(m_settler.take_ready().empty());
  m_settler.closed_after_writing(path);
  m_clock.advance(milliseconds(1000));
  EXPECT_EQ(m_settler.take_ready().size(), 1u);
}

TEST_F(SettlerTest, a_change_restarts_the_quiet_period) {
  const auto path = m_dir / "grow.bin";
  siftd_test::write_file(path, "1");
  m_settler.changed(path);
  m_clock.advance(milliseconds(800));
  siftd_test::write_file(path, "12");  // grew without an event (e.g. lost, or a network fs)
  EXPECT_TRUE(m_settler.take_ready().empty());
  m_clock.advance(milliseconds(800));
  EXPECT_TRUE(m_settler.take_ready().empty()) << "only 800 ms since the change was seen";
  m_clock.advance(milliseconds(200));
  EXPECT_EQ(m_settler.take_ready().size(), 1u);
}

TEST_F(SettlerTest, renamed_in_file_is_ready_at_once) {
  const auto path = m_dir / "done.pdf";
  siftd_test::write_file(path, "%PDF");
  m_settler.moved_in(path);
  EXPECT_EQ(m_settler.take_ready().size(), 1u);
}

TEST_F(SettlerTest, removed_and_vanished_files_are_forgotten) {
  const auto kept = m_dir / "kept";
  const auto gone = m_dir / "gone";
  siftd_test::write_file(kept, "x");
  siftd_test::write_file(gone, "x");
  m_settler.changed(kept);
  m_settler.changed(gone);
  m_settler.removed(kept);
  std::filesystem::remove(gone);
  m_clock.advance(milliseconds(2000));
  EXPECT_TRUE(m_settler.take_ready().empty());
  EXPECT_EQ(m_settler.pending(), 0u);
}

TEST_F(SettlerTest, next_check_is_the_earliest_deadline) {
  EXPECT_EQ(m_settler.next_check(), milliseconds::max());
  const auto path = m_dir / "a";
  siftd_test::write_file(path, "x");
  m_settler.changed(path);
  m_clock.advance(milliseconds(300));
  EXPECT_EQ(m_settler.next_check(), milliseconds(700));
}

// A wait rounded down woke the daemon just before the deadline, and a 10 ms floor then added
// a second full round: ~10 ms on most settled files.
TEST_F(SettlerTest, next_check_rounds_up_to_the_deadline_and_adds_no_floor) {
  const auto path = m_dir / "a";
  siftd_test::write_file(path, "x");
  m_settler.changed(path);
  m_clock.advance(std::chrono::microseconds(996'500));
  EXPECT_EQ(m_settler.next_check(), milliseconds(4)) << "3.5 ms rounded up, not down";
  m_clock.advance(milliseconds(3));
  EXPECT_EQ(m_settler.next_check(), milliseconds(1)) << "no 10 ms floor";
  m_clock.advance(milliseconds(1));
  EXPECT_EQ(m_settler.next_check(), milliseconds(0));
  EXPECT_EQ(m_settler.take_ready(), std::vector<std::string>{path});
}

TEST_F(SettlerTest, a_file_held_open_is_rechecked_every_settle_period_not_in_a_spin) {
  const auto path = m_dir / "open.bin";
  siftd_test::write_file(path, "x");
  m_settler.opened_for_writing(path);
  m_clock.advance(milliseconds(5000));
  EXPECT_EQ(m_settler.next_check(), milliseconds(1000));
}

}  // namespace daemon_core

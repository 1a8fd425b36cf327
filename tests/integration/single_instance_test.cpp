// One daemon per inbox: a second `siftd run` on the same work area exits 1 naming the first
// one's pid, while the read-only commands still work; the lock dies with its holder.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::wait_for_log;
using siftd_test::write_file;

bool logged(const std::string& log_path, const std::string& text) {
  return read_file(log_path).find(text) != std::string::npos;
}

}  // namespace

TEST(SingleInstance, a_second_daemon_on_the_same_inbox_exits_1_naming_the_first) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::vector<std::string> args = {"run",   "--inbox",      inbox,
                                         "--out", dir / "sorted", "--settle-ms",
                                         "50",    "--log-format", "text"};
  siftd_test::DaemonProcess first(args, dir / "first.log");
  ASSERT_TRUE(wait_for_log(dir / "first.log", "watching")) << read_file(dir / "first.log");

  // Without the lock the second one started and resumed the first one's files.
  siftd_test::DaemonProcess second(args, dir / "second.log");
  EXPECT_EQ(second.wait_exit(std::chrono::seconds(20)), 1) << read_file(dir / "second.log");
  EXPECT_TRUE(logged(dir / "second.log", "pid " + std::to_string(first.pid())))
      << read_file(dir / "second.log");
  EXPECT_FALSE(logged(dir / "second.log", "watching"));

  // A second daemon with its own work area but the first one's journal is refused too.
  siftd_test::TempDir other;
  write_file(other / "shared.toml", "[daemon]\ninbox = '" + (other / "inbox") + "'\nout = '" +
                                        (other / "sorted") + "'\njournal = '" + inbox +
                                        "/.siftd/journal.db'\n");
  siftd_test::DaemonProcess third(
      {"run", "--config", other / "shared.toml", "--log-format", "text"}, dir / "third.log");
  EXPECT_EQ(third.wait_exit(std::chrono::seconds(20)), 1) << read_file(dir / "third.log");

  // The first one still works, and the read-only commands read its journal meanwhile.
  write_file(inbox + "/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "first.log");
  EXPECT_EQ(run_siftd("status --inbox '" + inbox + "'").status, 0);
  EXPECT_EQ(run_siftd("log --inbox '" + inbox + "'").status, 0);

  // The lock dies with its holder, however it ends: a kill -9 leaves no stale lock behind.
  first.signal(SIGKILL);
  first.wait_exit();
  siftd_test::DaemonProcess after(args, dir / "after.log");
  EXPECT_TRUE(wait_for_log(dir / "after.log", "watching")) << read_file(dir / "after.log");
  after.signal(SIGTERM);
  EXPECT_EQ(after.wait_exit(), 0) << read_file(dir / "after.log");
}

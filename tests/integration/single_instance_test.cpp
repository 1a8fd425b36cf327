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

TEST(SingleInstance, a_reload_onto_another_inbox_takes_its_lock_or_is_refused) {
  siftd_test::TempDir dir;
  const auto config_for = [&](const std::string& inbox) {
    return "[daemon]\ninbox = '" + (dir / inbox) + "'\nout = '" + (dir / "sorted") +
           "'\njournal = '" + (dir / "journal.db") + "'\nsettle_ms = 50\n";
  };
  write_file(dir / "a.toml", config_for("one"));
  siftd_test::DaemonProcess first({"run", "--config", dir / "a.toml", "--log-format", "text"},
                                  dir / "first.log");
  ASSERT_TRUE(wait_for_log(dir / "first.log", "watching")) << read_file(dir / "first.log");
  siftd_test::DaemonProcess other({"run", "--inbox", dir / "two", "--out", dir / "sorted2",
                                   "--settle-ms", "50", "--log-format", "text"},
                                  dir / "other.log");
  ASSERT_TRUE(wait_for_log(dir / "other.log", "watching")) << read_file(dir / "other.log");

  // Onto the inbox another daemon holds: refused, and the first goes on where it was.
  write_file(dir / "a.toml", config_for("two"));
  first.signal(SIGHUP);
  ASSERT_TRUE(wait_for_log(dir / "first.log", "reload refused")) << read_file(dir / "first.log");
  EXPECT_TRUE(logged(dir / "first.log", "pid " + std::to_string(other.pid())))
      << read_file(dir / "first.log");
  write_file(dir / "one/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "first.log");

  // Onto a free inbox: applied, the new inbox is locked and the old one is let go.
  write_file(dir / "a.toml", config_for("three"));
  first.signal(SIGHUP);
  ASSERT_TRUE(wait_for_log(dir / "first.log", "configuration reloaded"))
      << read_file(dir / "first.log");
  siftd_test::DaemonProcess late({"run", "--inbox", dir / "three", "--out", dir / "sorted3",
                                  "--settle-ms", "50", "--log-format", "text"},
                                 dir / "late.log");
  EXPECT_EQ(late.wait_exit(std::chrono::seconds(20)), 1) << read_file(dir / "late.log");
  EXPECT_TRUE(logged(dir / "late.log", "pid " + std::to_string(first.pid())))
      << read_file(dir / "late.log");
  siftd_test::DaemonProcess back({"run", "--inbox", dir / "one", "--out", dir / "sorted1",
                                  "--settle-ms", "50", "--log-format", "text"},
                                 dir / "back.log");
  EXPECT_TRUE(wait_for_log(dir / "back.log", "watching")) << read_file(dir / "back.log");
  EXPECT_EQ(back.stop(), 0);
  EXPECT_EQ(other.stop(), 0);
  EXPECT_EQ(first.stop(), 0);
}

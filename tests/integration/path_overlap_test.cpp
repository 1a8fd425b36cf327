// Watched folders, the work area and the destinations must never overlap, wherever they really
// are: an inbox inside a destination, a destination reached through a symlink into the inbox,
// or a trailing slash are refused; and a running daemon never takes its own output back.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

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

// Runs `siftd run` with `args` and returns its exit status, or -1 when it kept running.
int run_exit_status(std::vector<std::string> args, const std::string& log_path) {
  args.insert(args.begin(), "run");
  args.push_back("--log-format");
  args.push_back("text");
  siftd_test::DaemonProcess daemon(args, log_path);
  return daemon.wait_exit(std::chrono::seconds(20));
}

}  // namespace

TEST(PathOverlap, an_inbox_inside_a_destination_is_refused_at_check_config) {
  siftd_test::TempDir dir;
  const std::string file = dir / "loop.toml";
  write_file(file, "[daemon]\ninbox = '" + (dir / "sorted/photo") + "'\nout = '" +
                       (dir / "sorted") + "'\n");
  const auto result = run_siftd("check-config '" + file + "'", true);
  EXPECT_EQ(result.status, 2) << result.out;
  EXPECT_NE(result.out.find(file + ":2:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("daemon.inbox"), std::string::npos) << result.out;
  EXPECT_EQ(run_exit_status({"--config", file}, dir / "log"), 2) << read_file(dir / "log");
}

TEST(PathOverlap, real_locations_are_compared_through_symlinks_and_trailing_slashes) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "in");
  fs::create_directory_symlink(dir / "in", dir / "inlink");
  // The destination is inside the inbox, reached through a symlink.
  EXPECT_EQ(run_exit_status({"--inbox", dir / "in", "--out", dir / "inlink/x"}, dir / "a.log"), 2)
      << read_file(dir / "a.log");
  // The same with the symlink on the inbox's side.
  EXPECT_EQ(run_exit_status({"--inbox", dir / "inlink", "--out", dir / "in/x"}, dir / "b.log"), 2)
      << read_file(dir / "b.log");
  // A trailing slash hid the overlap from a comparison of strings.
  EXPECT_EQ(run_exit_status({"--inbox", dir / "in/", "--out", dir / "in/sorted"}, dir / "c.log"), 2)
      << read_file(dir / "c.log");
  // The work area inside a destination, or a destination inside the work area.
  write_file(dir / "work.toml", "[daemon]\ninbox = '" + (dir / "in") + "'\nout = '" +
                                    (dir / "sorted") + "'\nwork_dir = '" + (dir / "sorted/w") +
                                    "'\n");
  const auto work = run_siftd("check-config '" + (dir / "work.toml") + "'", true);
  EXPECT_EQ(work.status, 2) << work.out;
  EXPECT_NE(work.out.find("daemon.work_dir"), std::string::npos) << work.out;
}

TEST(PathOverlap, an_inbox_given_with_a_trailing_slash_is_watched) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox/", "--out", dir / "sorted",
                                    "--settle-ms", "50", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  // Arrives after the start-up scan: only an inotify event can bring it in (the periodic
  // rescan is minutes away).
  write_file(dir / "inbox/late.jpg", siftd_test::photo_jpeg(640, 480, 1));
  EXPECT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/late.jpg.siftd.json"); }))
      << read_file(dir / "log");
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(PathOverlap, sidecars_in_the_inbox_are_never_taken) {
  siftd_test::TempDir dir;
  write_file(dir / "inbox/a.jpg.siftd.json", "{\"id\": 1}\n");
  write_file(dir / "inbox/b.pdf.error.json", "{\"id\": 2}\n");
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox", "--out", dir / "sorted",
                                    "--settle-ms", "50", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  write_file(dir / "inbox/c.jpg.siftd.json", "{\"id\": 3}\n");
  write_file(dir / "inbox/c.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/c.jpg.siftd.json"); }))
      << read_file(dir / "log");
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
  // Sidecar names stay where they are, untouched: siftd writes them and never takes them.
  EXPECT_EQ(read_file(dir / "inbox/a.jpg.siftd.json"), "{\"id\": 1}\n");
  EXPECT_EQ(read_file(dir / "inbox/b.pdf.error.json"), "{\"id\": 2}\n");
  EXPECT_EQ(read_file(dir / "inbox/c.jpg.siftd.json"), "{\"id\": 3}\n");
  const auto status = run_siftd("status --json --inbox '" + (dir / "inbox") + "'");
  ASSERT_EQ(status.status, 0);
  EXPECT_EQ(nlohmann::json::parse(status.out)["by_state"]["done"], 1) << status.out;
}

TEST(PathOverlap, a_destination_that_turns_into_the_inbox_is_not_taken_again) {
  siftd_test::TempDir dir;
  // At start the destination's parent does not exist, so nothing overlaps yet.
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "in", "--out", dir / "outlink/x",
                                    "--settle-ms", "50", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  fs::create_directory_symlink(dir / "in", dir / "outlink");  // now it lies inside the inbox
  write_file(dir / "in/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "in/x/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "log");
  write_file(dir / "in/b.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "in/x/photo/b.jpg.siftd.json"); }))
      << read_file(dir / "log");
  // Before, the placed file and its sidecar were taken again at once, over and over.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
  EXPECT_TRUE(fs::exists(dir / "in/x/photo/a.jpg"));
  EXPECT_TRUE(fs::exists(dir / "in/x/photo/a.jpg.siftd.json"));
  EXPECT_FALSE(fs::exists(dir / "in/x/photo/a (1).jpg"));
  const auto status = run_siftd("status --json --inbox '" + (dir / "in") + "'");
  ASSERT_EQ(status.status, 0);
  EXPECT_EQ(nlohmann::json::parse(status.out)["by_state"]["done"], 2) << status.out;
}

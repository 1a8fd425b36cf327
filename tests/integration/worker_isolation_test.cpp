// The decoder workers of the real binary: what they hold (no secrets, no privileges, hard
// limits, a syscall filter), what a hostile decoder can do in one (nothing but fail its own
// file), and what happens when they cannot start (siftd refuses to run unless told otherwise).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

// The `siftd worker` children of `daemon`.
std::vector<pid_t> worker_pids(pid_t daemon) {
  std::vector<pid_t> workers;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_file(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    const std::string command = read_file(entry.path() / "cmdline");
    if (parent == daemon && command.find(std::string("worker") + '\0') != std::string::npos)
      workers.push_back(std::stoi(name));
  }
  return workers;
}

bool has_sidecar(const std::string& out, const std::string& folder, const std::string& name) {
  return fs::exists(out + "/" + folder + "/" + name + ".siftd.json") ||
         fs::exists(out + "/" + folder + "/" + name + ".error.json");
}

// A configuration for `dir` that decodes inside siftd (limits.isolation = "none").
std::string in_process_config(const siftd_test::TempDir& dir) {
  fs::create_directories(dir / "inbox");
  write_file(dir / "siftd.toml", "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" +
                                     (dir / "sorted") +
                                     "\"\nsettle_ms = 50\n[limits]\nisolation = \"none\"\n");
  return dir / "siftd.toml";
}

}  // namespace

TEST(WorkerIsolation, run_refuses_to_start_when_its_workers_cannot) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "inbox");
  // /bin/true starts, but never says hello as a worker.
  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", dir / "sorted", "--log-format", "text"},
      dir / "log", {"SIFTD_WORKER_BINARY=/bin/true"});
  EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(60)), 1) << read_file(dir / "log");
  const std::string log = read_file(dir / "log");
  ASSERT_NE(log.find("cannot start"), std::string::npos) << log;
  EXPECT_EQ(log.find("cannot start"), log.rfind("cannot start")) << "one line: " << log;
  EXPECT_NE(log.find("decoder workers failed to start"), std::string::npos) << log;
  EXPECT_NE(log.find("limits.isolation"), std::string::npos) << log;
  EXPECT_EQ(log.find("watching"), std::string::npos) << log;
}

TEST(WorkerIsolation, isolation_none_decodes_inside_siftd_and_says_so) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon(
      {"run", "--config", in_process_config(dir), "--log-format", "text"}, dir / "log",
      {"SIFTD_WORKER_BINARY=/bin/true"});
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("watching") != std::string::npos;
  })) << read_file(dir / "log");
  EXPECT_NE(read_file(dir / "log").find("without a sandbox"), std::string::npos);
  EXPECT_TRUE(worker_pids(daemon.pid()).empty());
  write_file(dir / "inbox/photo.jpg", siftd_test::photo_jpeg(640, 480, 4));
  EXPECT_TRUE(wait_for([&] { return has_sidecar(dir / "sorted", "photo", "photo.jpg"); }))
      << read_file(dir / "log");
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

// In-process decoding is where an exception reaches the daemon's own worker threads.
TEST(WorkerIsolation, an_exception_in_one_job_quarantines_that_file_and_the_daemon_goes_on) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon(
      {"run", "--config", in_process_config(dir), "--log-format", "text"}, dir / "log",
      {"SIFTD_TEST_WORKER_FAULTS=1"});
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("watching") != std::string::npos;
  })) << read_file(dir / "log");
  const std::string out = dir / "sorted";
  const std::vector<std::string> throwing = {"siftd-fault-throw.jpg", "siftd-fault-oddthrow.jpg"};
  for (const auto& name : throwing) write_file(dir / ("inbox/" + name), name);
  ASSERT_TRUE(wait_for(
      [&] {
        for (const auto& name : throwing) {
          if (!has_sidecar(out, "_quarantine", name)) return false;
        }
        return true;
      },
      std::chrono::seconds(30)))
      << read_file(dir / "log");
  EXPECT_NE(read_file(out + "/_quarantine/siftd-fault-throw.jpg.error.json").find("bad_alloc"),
            std::string::npos);
  // The daemon is still there and still working.
  write_file(dir / "inbox/after.jpg", siftd_test::photo_jpeg(640, 480, 6));
  EXPECT_TRUE(wait_for([&] { return has_sidecar(out, "photo", "after.jpg"); }))
      << read_file(dir / "log");
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

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
#include "media/sanitizers.h"
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

TEST(WorkerIsolation, workers_start_without_the_daemons_secrets) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "inbox");
  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", dir / "sorted", "--log-format", "text"},
      dir / "log",
      {"SIFTD_API_KEY=sk-isolation-secret", "SIFTD_API_KEY_FILE=/run/secret-key",
       "CREDENTIALS_DIRECTORY=/run/credentials/siftd.service",
       "AWS_SECRET_ACCESS_KEY=aws-isolation-secret"});
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("watching") != std::string::npos;
  })) << read_file(dir / "log");
  const auto workers = worker_pids(daemon.pid());
  ASSERT_FALSE(workers.empty());
  for (const pid_t worker : workers) {
    const std::string environment = read_file("/proc/" + std::to_string(worker) + "/environ");
    EXPECT_EQ(environment.find("SIFTD_API_KEY"), std::string::npos) << worker;
    EXPECT_EQ(environment.find("isolation-secret"), std::string::npos) << worker;
    EXPECT_EQ(environment.find("CREDENTIALS_DIRECTORY"), std::string::npos) << worker;
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

// One line of /proc/<pid>/status or /proc/<pid>/limits, from its label to its end.
std::string proc_line(pid_t pid, const std::string& file, const std::string& label) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/" + file);
  const auto at = text.find("\n" + label);
  if (at == std::string::npos) return "";
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

// "Max core file size 0 0 bytes" -> {"0", "0"}: the soft and the hard limit.
std::pair<std::string, std::string> limit_of(pid_t pid, const std::string& label) {
  std::istringstream fields(proc_line(pid, "limits", label).substr(label.size()));
  std::pair<std::string, std::string> limit;
  fields >> limit.first >> limit.second;
  return limit;
}

TEST(WorkerIsolation, workers_run_without_privileges_under_hard_limits_and_a_syscall_filter) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "inbox");
  const std::string out = dir / "sorted";
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox", "--out", out, "--workers", "1",
                                    "--settle-ms", "50", "--log-format", "text"},
                                   dir / "log", {"SIFTD_TEST_WORKER_FAULTS=1"});
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("watching") != std::string::npos;
  })) << read_file(dir / "log");
  const auto workers = worker_pids(daemon.pid());
  ASSERT_EQ(workers.size(), 1u);
  const pid_t worker = workers[0];
  EXPECT_EQ(proc_line(worker, "status", "NoNewPrivs:"), "NoNewPrivs:\t1");
  EXPECT_EQ(proc_line(worker, "status", "Seccomp:"), "Seccomp:\t2");
  EXPECT_EQ(proc_line(worker, "status", "CapPrm:"), "CapPrm:\t0000000000000000");
  EXPECT_EQ(proc_line(worker, "status", "CapEff:"), "CapEff:\t0000000000000000");
  EXPECT_EQ(proc_line(worker, "status", "CapAmb:"), "CapAmb:\t0000000000000000");
  if (::geteuid() == 0) {
    EXPECT_EQ(proc_line(worker, "status", "CapBnd:"), "CapBnd:\t0000000000000000");
  }
  const std::pair<std::string, std::string> no_core{"0", "0"};
  EXPECT_EQ(limit_of(worker, "Max core file size"), no_core);
  EXPECT_EQ(limit_of(worker, "Max open files").second, "256");

  // After its first file the worker's memory and CPU limits are hard too.
  write_file(dir / "inbox/photo.jpg", siftd_test::photo_jpeg(640, 480, 4));
  ASSERT_TRUE(wait_for([&] { return has_sidecar(out, "photo", "photo.jpg"); }))
      << read_file(dir / "log");
  ASSERT_EQ(worker_pids(daemon.pid()), workers);
  if (!media::k_address_sanitizer) {
    const std::pair<std::string, std::string> memory{"536870912", "536870912"};
    EXPECT_EQ(limit_of(worker, "Max address space"), memory);
  }
  EXPECT_NE(limit_of(worker, "Max cpu time").second, "unlimited");

  // What a decoder taken over by a file would try next is refused.
  const std::vector<std::string> forbidden = {"siftd-fault-socket.jpg", "siftd-fault-exec.jpg"};
  for (const auto& name : forbidden) write_file(dir / ("inbox/" + name), name);
  ASSERT_TRUE(wait_for([&] {
    return has_sidecar(out, "_quarantine", forbidden[0]) &&
           has_sidecar(out, "_quarantine", forbidden[1]);
  })) << read_file(dir / "log");
  EXPECT_NE(read_file(out + "/_quarantine/siftd-fault-socket.jpg.error.json")
                .find("socket() was refused"),
            std::string::npos);
  // Sanitizer builds allow execve for llvm-symbolizer (media/worker_sandbox.cpp).
  if (!media::k_address_sanitizer) {
    EXPECT_NE(read_file(out + "/_quarantine/siftd-fault-exec.jpg.error.json")
                  .find("execve() was refused"),
              std::string::npos);
  }
  EXPECT_EQ(daemon.stop(), 0);
}

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

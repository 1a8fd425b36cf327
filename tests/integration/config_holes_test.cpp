// Values no single type check catches: a listen address that is not HOST:PORT, a placeholder a
// route template does not know, a relative dir: queue. `check-config` and `run` refuse each
// with the file, the line and the key, and exit 2.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "../temp_dir.h"
#include "daemon_process.h"

namespace {

using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::write_file;

struct Hole {
  std::string name;
  std::string text;   // the configuration file
  std::string where;  // "file:line" expected in the message, relative to the temp folder
  std::string key;
};

std::vector<Hole> holes() {
  return {
      {"listen_nonsense", "[http]\nlisten = \"nonsense\"\n", ":2:", "http.listen"},
      {"listen_bad_port", "[http]\nlisten = \"127.0.0.1:99999\"\n", ":2:", "http.listen"},
      {"listen_no_host", "[model]\nname = \"m\"\n[http]\nlisten = \":9464\"\n",
       ":4:", "http.listen"},
      {"unknown_placeholder", "[routes]\nroute = \"{out}/{evil}\"\n", ":2:", "routes.route"},
      {"placeholder_case", "[routes]\n\nreview = \"{out}/{Category}\"\n", ":3:", "routes.review"},
      {"unclosed_placeholder", "[routes]\nescalate = \"{out}/{category\"\n",
       ":2:", "routes.escalate"},
      {"parent_component", "[routes]\nroute = \"{out}/{category}/../../..\"\n",
       ":2:", "routes.route"},
      {"relative_dir_queue", "[routes]\nroute_queue = \"dir:relative/queue\"\n",
       ":2:", "routes.route_queue"},
  };
}

// The hole after three lines of [daemon] that are fine.
std::string write_config(const siftd_test::TempDir& dir, const Hole& hole) {
  const std::string file = dir / (hole.name + ".toml");
  write_file(file, "[daemon]\ninbox = '" + (dir / "inbox") + "'\nout = '" + (dir / "out") + "'\n" +
                       hole.text);
  return file;
}

}  // namespace

TEST(ConfigHoles, check_config_names_file_line_and_key_and_exits_2) {
  siftd_test::TempDir dir;
  for (const auto& hole : holes()) {
    const std::string file = write_config(dir, hole);
    const auto result = run_siftd("check-config '" + file + "'", true);
    EXPECT_EQ(result.status, 2) << hole.name << ": " << result.out;
    const int line = std::stoi(hole.where.substr(1)) + 3;
    EXPECT_NE(result.out.find(file + ":" + std::to_string(line) + ":"), std::string::npos)
        << hole.name << ": " << result.out;
    EXPECT_NE(result.out.find(hole.key), std::string::npos) << hole.name << ": " << result.out;
  }
}

TEST(ConfigHoles, run_refuses_the_same_holes_with_exit_2) {
  siftd_test::TempDir dir;
  for (const auto& hole : holes()) {
    const std::string file = write_config(dir, hole);
    // Before the check, a bad listen address started the daemon and failed later with 1, and
    // a bad template ran: bounded, so a daemon that starts fails the test instead of hanging.
    siftd_test::DaemonProcess daemon({"run", "--config", file, "--log-format", "text"},
                                     dir / (hole.name + ".log"));
    EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(20)), 2)
        << hole.name << ": " << read_file(dir / (hole.name + ".log"));
  }
}

TEST(ConfigHoles, a_bad_listen_flag_is_a_usage_error) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox", "--out", dir / "out", "--http",
                                    "nonsense", "--log-format", "text"},
                                   dir / "log");
  EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(20)), 2) << read_file(dir / "log");
  EXPECT_NE(read_file(dir / "log").find("http.listen"), std::string::npos)
      << read_file(dir / "log");
}

TEST(ConfigHoles, good_values_still_pass) {
  siftd_test::TempDir dir;
  const std::string file = dir / "good.toml";
  write_file(file, "[daemon]\ninbox = '" + (dir / "inbox") + "'\nout = '" + (dir / "out") +
                       "'\n[http]\nlisten = \"localhost:0\"\n[routes]\n"
                       "route = \"{out}/{kind}/{date}/{category}\"\n"
                       "failed = \"{out}/_failed/{outcome}\"\n"
                       "route_queue = \"dir:" +
                       (dir / "queue") + "\"\n");
  const auto result = run_siftd("check-config '" + file + "'", true);
  EXPECT_EQ(result.status, 0) << result.out;
}

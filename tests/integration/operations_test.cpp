// Operating the real binary: systemd notifications and watchdog pings, the HTTP endpoints
// and their metrics, and configuration reload on SIGHUP.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <regex>
#include <sstream>

#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"
#include "tests/fakes/fake_model_server.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::logged_http_port;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : m_path(path) {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  ~NotifySocket() { ::close(m_fd); }
  // Every message received so far, appended to `messages`.
  void drain(std::vector<std::string>& messages) {
    char buffer[4096];
    pollfd fd{m_fd, POLLIN, 0};
    while (::poll(&fd, 1, 10) > 0) {
      const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      messages.emplace_back(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  std::string m_path;
  int m_fd = -1;
};

bool any_starts_with(const std::vector<std::string>& messages, const std::string& prefix) {
  for (const auto& message : messages) {
    std::istringstream lines(message);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0) return true;
    }
  }
  return false;
}

}  // namespace

TEST(Operations, tells_systemd_ready_status_watchdog_and_stopping) {
  siftd_test::TempDir dir;
  NotifySocket socket(dir / "notify.sock");
  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", dir / "sorted", "--settle-ms", "100",
       "--log-format", "text"},
      dir / "log", {"NOTIFY_SOCKET=" + (dir / "notify.sock"), "WATCHDOG_USEC=400000"});
  std::vector<std::string> messages;
  ASSERT_TRUE(wait_for([&] {
    socket.drain(messages);
    return any_starts_with(messages, "READY=1");
  })) << read_file(dir / "log");
  write_file(dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] {
    socket.drain(messages);
    return any_starts_with(messages, "STATUS=1 done") && any_starts_with(messages, "WATCHDOG=1");
  })) << read_file(dir / "log");
  EXPECT_EQ(daemon.stop(), 0);
  socket.drain(messages);
  EXPECT_TRUE(any_starts_with(messages, "STOPPING=1"));
}

TEST(Operations, metrics_count_what_was_processed_in_prometheus_text) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", dir / "sorted", "--settle-ms", "100",
       "--log-format", "text", "--http", "127.0.0.1:0"},
      dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  const int port = logged_http_port(read_file(dir / "log"));
  ASSERT_GT(port, 0) << read_file(dir / "log");
  for (int i = 0; i < 3; ++i)
    write_file(dir / ("inbox/p" + std::to_string(i) + ".jpg"),
               siftd_test::photo_jpeg(1200, 900, i));
  write_file(dir / "inbox/bad.jpg", siftd_test::corrupt_jpeg());
  ASSERT_TRUE(wait_for([&] {
    return fs::exists(dir / "sorted/_quarantine/bad.jpg.error.json") &&
           fs::exists(dir / "sorted/photo/p2.jpg.siftd.json") &&
           fs::exists(dir / "sorted/photo/p0.jpg.siftd.json") &&
           fs::exists(dir / "sorted/photo/p1.jpg.siftd.json");
  })) << read_file(dir / "log");

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  nlohmann::json state;
  EXPECT_TRUE(wait_for([&] {
    auto status = client.Get("/status");
    state = status ? nlohmann::json::parse(status->body) : nlohmann::json::object();
    return state.value("done", 0) == 3 && state.value("quarantined", 0) == 1;
  })) << state.dump();

  // Counters settle once the last file's report is recorded, just after its sidecar appears.
  std::string metrics;
  ASSERT_TRUE(wait_for([&] {
    auto response = client.Get("/metrics");
    metrics = response ? response->body : "";
    return metrics.find("siftd_files_total{kind=\"image\",outcome=\"quarantined\"} 1") !=
               std::string::npos &&
           metrics.find("siftd_files_total{kind=\"image\",outcome=\"route\"} 3") !=
               std::string::npos;
  })) << metrics;
  EXPECT_NE(metrics.find("siftd_quarantined_total{stage=\"normalize\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("siftd_tokens_total{kind=\"image\",type=\"estimate\"} 774"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("siftd_stage_duration_seconds_count{stage=\"normalize\"} 4"),
            std::string::npos);

  // Every line is a comment (# HELP / # TYPE) or a sample: name{labels} value.
  static const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})? [-+0-9.eEInf]+$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(std::regex_match(line, sample) || std::regex_match(line, comment)) << line;
  }
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Operations, sighup_applies_a_good_configuration_and_refuses_a_bad_one) {
  siftd_test::TempDir dir;
  const std::string config = dir / "siftd.toml";
  const std::string base = "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" +
                           (dir / "sorted") + "\"\nsettle_ms = 100\n";
  write_file(config, base);
  siftd_test::DaemonProcess daemon({"run", "--config", config, "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));

  write_file(config, base + "wrokers = 3\n");  // a typo: refused, the old configuration stays
  daemon.signal(SIGHUP);
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("reload refused") != std::string::npos;
  })) << read_file(dir / "log");
  EXPECT_NE(read_file(dir / "log").find("daemon.wrokers: unknown key"), std::string::npos);
  write_file(dir / "inbox/before.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/before.jpg.siftd.json"); }))
      << read_file(dir / "log");

  write_file(config, base + "[routes]\nroute = \"{out}/by-kind/{kind}/{category}\"\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("configuration reloaded") != std::string::npos;
  })) << read_file(dir / "log");
  write_file(dir / "inbox/after.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] {
    return fs::exists(dir / "sorted/by-kind/image/photo/after.jpg.siftd.json");
  })) << read_file(dir / "log");
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Operations, logs_are_json_lines_or_journald_lines_as_asked) {
  siftd_test::TempDir dir;
  {
    siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox", "--out", dir / "sorted",
                                      "--settle-ms", "50", "--log-format", "json"},
                                     dir / "json.log");
    ASSERT_TRUE(siftd_test::wait_for_log(dir / "json.log", "watching"));
    write_file(dir / "inbox/new\nline.jpg", siftd_test::photo_jpeg(640, 480, 1));
    ASSERT_TRUE(
        wait_for([&] { return read_file(dir / "json.log").find("file=1") != std::string::npos; }));
    ASSERT_EQ(daemon.stop(), 0);
  }
  std::istringstream lines(read_file(dir / "json.log"));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(entry.is_discarded()) << line;
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("message"))
        << line;
  }
  EXPECT_GE(count, 3);

  // Under systemd (JOURNAL_STREAM set): no timestamps, a syslog priority prefix on each line.
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox2", "--out", dir / "sorted2"},
                                   dir / "journal.log", {"JOURNAL_STREAM=8:12345"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "journal.log", "watching"));
  ASSERT_EQ(daemon.stop(), 0);
  std::istringstream journal(read_file(dir / "journal.log"));
  for (std::string line; std::getline(journal, line);) {
    EXPECT_TRUE(line.rfind("<6>", 0) == 0 || line.rfind("<4>", 0) == 0 || line.rfind("<3>", 0) == 0)
        << line;
    static const std::regex timestamp(R"(^<\d>\d{4}-\d{2}-\d{2})");
    EXPECT_FALSE(std::regex_search(line, timestamp)) << line;
  }
}

TEST(Operations, intake_pauses_while_disk_space_is_short_and_resumes_after) {
  siftd_test::TempDir dir;
  const std::string config = dir / "siftd.toml";
  const std::string base = "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" +
                           (dir / "sorted") + "\"\nsettle_ms = 50\n";
  struct statvfs disk {};
  ASSERT_EQ(::statvfs(dir.path().c_str(), &disk), 0);
  const std::uint64_t free_mb = (static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize) >> 20;
  if (free_mb + 1024 > 1'000'000)
    GTEST_SKIP() << "this disk has more free space than the key's bound";
  write_file(config,
             base + "min_free_mb = " + std::to_string(free_mb + 1024) + "\n");  // more than is free
  siftd_test::DaemonProcess daemon({"run", "--config", config, "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  write_file(dir / "inbox/waits.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("pausing intake") != std::string::npos;
  })) << read_file(dir / "log");
  EXPECT_TRUE(fs::exists(dir / "inbox/waits.jpg")) << "the file stays where it is";

  write_file(config, base + "min_free_mb = 0\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/waits.jpg.siftd.json"); }))
      << read_file(dir / "log");
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Operations, model_metrics_count_requests_retries_and_cache_hits) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  model.script(
      {{fakes::Fault::rate_limited, "", 1, "1s"}});  // then the default: a valid photo decision
  // Kept, so the second copy below is decided again (from the cache) instead of skipped; no
  // start-up request, so the scripted 429 meets the first file.
  write_file(dir / "keep.toml",
             "[daemon]\nduplicates = \"keep\"\n[model]\nprobe_at_start = false\n");
  siftd_test::DaemonProcess daemon(
      {"run", "--config", dir / "keep.toml", "--inbox", dir / "inbox", "--out", dir / "sorted",
       "--settle-ms", "50", "--log-format", "text", "--http", "127.0.0.1:0", "--backend", "openai",
       "--base-url", model.base_url()},
      dir / "log", {"SIFTD_API_KEY=test-key-not-logged"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  const int port = logged_http_port(read_file(dir / "log"));
  const std::string photo = siftd_test::photo_jpeg(800, 600, 1);
  write_file(dir / "inbox/first.jpg", photo);
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/first.jpg.siftd.json"); }))
      << read_file(dir / "log");
  write_file(dir / "inbox/same-again.jpg", photo);  // the same content: answered from the cache
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/same-again.jpg.siftd.json"); }))
      << read_file(dir / "log");

  httplib::Client client("127.0.0.1", port);
  std::string metrics;
  ASSERT_TRUE(wait_for([&] {
    auto response = client.Get("/metrics");
    metrics = response ? response->body : "";
    return metrics.find("siftd_cache_hits_total 1") != std::string::npos;
  })) << metrics;
  EXPECT_NE(metrics.find("siftd_model_requests_total{model=\"gemini-2.5-flash-lite\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("siftd_model_retries_total{model=\"gemini-2.5-flash-lite\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(model.requests().size(), 2u) << "one 429, one answer; the second file sent nothing";
  EXPECT_EQ(read_file(dir / "log").find("test-key-not-logged"), std::string::npos)
      << "the key never appears in a log";
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(Operations, sigterm_cancels_a_slow_decision_which_resumes_at_the_next_start) {
  siftd_test::TempDir dir;
  fakes::FakeServerOptions options;
  options.slow = std::chrono::milliseconds(20'000);
  fakes::FakeModelServer model(options);
  ASSERT_TRUE(model.start());
  model.script({{fakes::Fault::slow, "", 1, "1s"}});  // then the default answer
  write_file(dir / "siftd.toml",
             "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
                 "\"\nsettle_ms = 50\nshutdown_timeout_s = 2\n[model]\nbackend = \"openai\"\n"
                 "probe_at_start = false\n"
                 "base_url = \"" +
                 model.base_url() + "\"\n");
  write_file(dir / "inbox/slow.jpg", siftd_test::photo_jpeg(640, 480, 1));
  {
    siftd_test::DaemonProcess daemon(
        {"run", "--config", dir / "siftd.toml", "--log-format", "text"}, dir / "log",
        {"SIFTD_API_KEY=k"});
    ASSERT_TRUE(wait_for([&] { return model.requests().size() == 1; })) << read_file(dir / "log");
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(15)), 0) << read_file(dir / "log");
  }
  EXPECT_FALSE(fs::exists(dir / "sorted/photo/slow.jpg"));
  EXPECT_NE(read_file(dir / "log").find("cancelling 1 decisions"), std::string::npos)
      << read_file(dir / "log");

  siftd_test::DaemonProcess again({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                  dir / "log2", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/slow.jpg.siftd.json"); }))
      << read_file(dir / "log2");
  EXPECT_NE(read_file(dir / "log2").find("resuming 1 unfinished"), std::string::npos);
  EXPECT_EQ(again.stop(), 0);
}

TEST(Operations, model_metrics_count_http_status_codes_and_the_circuit) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  model.script(
      {{fakes::Fault::unavailable, "", 1, "1s"}, {fakes::Fault::server_error, "", 1, "1s"}});
  write_file(dir / "siftd.toml",
             "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
                 "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nbackoff_base_ms = 10\n"
                 "base_url = \"" +
                 model.base_url() + "\"\n[http]\nlisten = \"127.0.0.1:0\"\n");
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  write_file(dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "log");
  httplib::Client client("127.0.0.1", logged_http_port(read_file(dir / "log")));
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  const std::string& metrics = response->body;
  const std::string model_label = "model=\"gemini-2.5-flash-lite\"";
  EXPECT_NE(metrics.find("siftd_model_responses_total{code=\"503\"," + model_label + "} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("siftd_model_responses_total{code=\"500\"," + model_label + "} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("siftd_model_responses_total{code=\"200\"," + model_label + "} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("siftd_model_in_flight{" + model_label + "} 0"), std::string::npos);
  EXPECT_NE(metrics.find("siftd_model_circuit_open{" + model_label + "} 0"), std::string::npos);
  EXPECT_EQ(daemon.stop(), 0);
}

// The model endpoint cannot stall or blind the daemon: a server-asked wait beyond
// model.max_server_wait_s parks the endpoint for at most that long (files fall back per
// model.fallback meanwhile) and /readyz and /status say so; and /metrics counts every request,
// retry and fallback the fake server saw.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include <httplib.h>
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

std::string config_text(const siftd_test::TempDir& dir, const fakes::FakeModelServer& model,
                        const std::string& model_extra) {
  return "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
         "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nprobe_at_start = "
         "false\nbackoff_base_ms = 10\n"
         "base_url = \"" +
         model.base_url() + "\"\n" + model_extra + "[http]\nlisten = \"127.0.0.1:0\"\n";
}

// The sum of one counter's samples over all label sets.
double metric_sum(const std::string& metrics, const std::string& name) {
  const std::regex sample("^" + name + R"((\{[^}]*\})? ([0-9.e+]+)$)");
  double sum = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, sample)) sum += std::stod(match[2].str());
  }
  return sum;
}

TEST(ModelStall, an_endless_retry_after_parks_the_endpoint_for_at_most_the_cap_and_says_so) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  const fakes::ScriptedReply endless{fakes::Fault::rate_limited, "", 999'999'999};  // 31 years
  model.script({endless});
  write_file(dir / "siftd.toml", config_text(dir, model, ""));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  httplib::Client client("127.0.0.1", logged_http_port(read_file(dir / "log")));
  auto before = client.Get("/readyz");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);

  write_file(dir / "inbox/first.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/first.jpg.siftd.json"); }))
      << "the file fell back to the local rules instead of waiting 31 years\n"
      << read_file(dir / "log");
  // The log line follows the placement: wait for it.
  EXPECT_TRUE(wait_for([&] {
    return std::regex_search(read_file(dir / "log"), std::regex(R"("first.jpg" image .* local )"));
  })) << read_file(dir / "log");

  write_file(dir / "inbox/second.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/second.jpg.siftd.json"); }))
      << read_file(dir / "log");
  EXPECT_EQ(model.requests().size(), 1u) << "while paused, nothing is sent";

  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("paused"), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find("300 s"), std::string::npos)
      << "the default cap, not the server's wish";
  auto status = client.Get("/status");
  ASSERT_TRUE(status);
  const auto state = nlohmann::json::parse(status->body);
  ASSERT_TRUE(state["model_paused"].is_string()) << status->body;
  EXPECT_NE(state["model_paused"].get<std::string>().find("999999999"), std::string::npos)
      << status->body;
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siftd_fallbacks_total{reason=\"paused\"} 2"), std::string::npos)
      << metrics->body;
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(ModelStall, a_wait_under_the_cap_is_honoured_for_every_request) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  const fakes::ScriptedReply short_wait{fakes::Fault::rate_limited, "", 1};
  model.script({short_wait});
  write_file(dir / "siftd.toml", config_text(dir, model, "max_server_wait_s = 5\n"));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  write_file(dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "log");
  EXPECT_TRUE(wait_for([&] {
    return std::regex_search(read_file(dir / "log"), std::regex(R"("a.jpg" image .* openai )"));
  })) << "a short wait is waited out\n"
      << read_file(dir / "log");
  EXPECT_EQ(model.requests().size(), 2u);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(ModelStall, metrics_count_every_request_retry_and_fallback_the_server_saw) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  // Two files whose requests fail for good (2 attempts each), then a 429 that is retried.
  const fakes::ScriptedReply broken{fakes::Fault::server_error, "", 0};
  const fakes::ScriptedReply busy{fakes::Fault::rate_limited, "", 1};
  write_file(dir / "siftd.toml",
             config_text(dir, model, "max_retries = 1\nbreaker_failures = 0\ncache = false\n"));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  httplib::Client client("127.0.0.1", logged_http_port(read_file(dir / "log")));
  model.script({broken, broken});
  write_file(dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(dir / "log");
  model.script({broken, broken});
  write_file(dir / "inbox/b.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/b.jpg.siftd.json"); }))
      << read_file(dir / "log");
  model.script({busy});
  write_file(dir / "inbox/c.jpg", siftd_test::photo_jpeg(640, 480, 3));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/c.jpg.siftd.json"); }))
      << read_file(dir / "log");

  std::string metrics;
  ASSERT_TRUE(wait_for([&] {
    auto response = client.Get("/metrics");
    metrics = response ? response->body : "";
    return metric_sum(metrics, "siftd_files_total") == 3;
  })) << metrics;
  EXPECT_EQ(model.requests().size(), 6u);
  EXPECT_EQ(metric_sum(metrics, "siftd_model_requests_total"),
            static_cast<double>(model.requests().size()))
      << metrics;
  EXPECT_EQ(metric_sum(metrics, "siftd_model_retries_total"), 3) << metrics;
  EXPECT_NE(metrics.find("siftd_fallbacks_total{reason=\"server\"} 2"), std::string::npos)
      << metrics;
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace

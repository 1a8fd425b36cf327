// /metrics of the real binary follows Prometheus' conventions and siftd's own words: every
// duration is a histogram in seconds named *_seconds (no *_ms left), a file that failed after
// probing is labelled with the kind probing found, and outcome labels are the words `siftd
// status` uses (quarantined, never failed).

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <httplib.h>

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

// Each family's declared type, from the "# TYPE name type" lines.
std::map<std::string, std::string> families(const std::string& metrics) {
  static const std::regex type_line(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$)");
  std::map<std::string, std::string> out;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, type_line)) out[match[1]] = match[2];
  }
  return out;
}

// The values one label takes in a family's samples.
std::set<std::string> label_values(const std::string& metrics, const std::string& family,
                                   const std::string& label) {
  const std::regex sample("^" + family + R"(\{([^}]*)\} .*$)");
  const std::regex pair(label + R"(="([^"]*)\")");
  std::set<std::string> out;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, sample)) continue;
    const std::string labels = match[1];
    std::smatch value;
    if (std::regex_search(labels, value, pair)) out.insert(value[1]);
  }
  return out;
}

TEST(MetricsConvention, durations_are_seconds_kinds_are_probed_and_outcomes_are_status_words) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  write_file(dir / "siftd.toml",
             "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
                 "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nbase_url = \"" +
                 model.base_url() + "\"\n[http]\nlisten = \"127.0.0.1:0\"\n");
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_API_KEY=k"});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  httplib::Client client("127.0.0.1", logged_http_port(read_file(dir / "log")));
  write_file(dir / "inbox/photo.jpg", siftd_test::photo_jpeg(640, 480, 1));
  write_file(dir / "inbox/bad.jpg", siftd_test::corrupt_jpeg());

  std::string metrics;
  ASSERT_TRUE(wait_for([&] {
    auto response = client.Get("/metrics");
    metrics = response ? response->body : "";
    return metrics.find("outcome=\"route\"} 1") != std::string::npos &&
           metrics.find("outcome=\"quarantined\"} 1") != std::string::npos;
  })) << metrics
      << read_file(dir / "log");

  const auto declared = families(metrics);
  ASSERT_FALSE(declared.empty()) << metrics;
  for (const auto& [name, type] : declared) {
    EXPECT_EQ(name.find("_ms"), std::string::npos) << name << ": durations are in seconds";
    if (type == "histogram") {
      EXPECT_TRUE(name.size() > 8 && name.compare(name.size() - 8, 8, "_seconds") == 0)
          << name << ": a duration histogram is named *_seconds";
    }
  }
  EXPECT_EQ(declared.count("siftd_stage_duration_seconds"), 1u) << metrics;
  EXPECT_EQ(declared.count("siftd_model_request_duration_seconds"), 1u) << metrics;
  // A photo normalizes in well under a minute: its sample sits in a bucket of seconds.
  EXPECT_NE(metrics.find("siftd_stage_duration_seconds_bucket{stage=\"normalize\",le=\"60\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("siftd_model_request_duration_seconds_count{model=\"gemini-2.5-flash-lite\"}"),
      std::string::npos)
      << metrics;

  EXPECT_NE(metrics.find("siftd_files_total{kind=\"image\",outcome=\"quarantined\"} 1"),
            std::string::npos)
      << "a corrupt JPEG was probed as an image\n"
      << metrics;
  const std::set<std::string> status_words{"route", "escalate", "review", "quarantined",
                                           "duplicate"};
  for (const auto& outcome : label_values(metrics, "siftd_files_total", "outcome"))
    EXPECT_EQ(status_words.count(outcome), 1u) << outcome;
  EXPECT_EQ(label_values(metrics, "siftd_files_total", "kind").count("unknown"), 0u) << metrics;
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace

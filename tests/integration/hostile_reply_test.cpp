// Model replies and file names that try to forge log lines, through the real binary: a category
// with a newline, an escape sequence and a journald priority, a 3 MB field name, a file name
// that is not UTF-8. Every log line stays one small printable line (valid JSON when asked
// for), and the CSV export holds one row per line.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"
#include "tests/fakes/fake_model_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

constexpr std::size_t k_huge = 3'000'000;
const std::string k_forged = "\n<0>\x1b[2Jforged";
const std::string k_evil_name = "evil" + k_forged + ".jpg";
const std::string k_latin1_name = "caf\xe9.jpg";

std::string decision(const std::string& category, const json& fields) {
  return json{{"category", category},
              {"confidence", 0.95},
              {"route", "accept"},
              {"summary", "hostile"},
              {"fields", fields}}
      .dump();
}

// The start of a (maybe huge) log, for a failure message.
std::string head(const std::string& text) {
  return text.substr(0, 4000);
}

struct Outputs {
  std::string log;
  std::string csv;
};

// Two files through `siftd run` whose model first names a forged category, then (the repair)
// a huge forged field name, so the file falls back to the local rules.
Outputs run_hostile(const std::string& log_format) {
  Outputs outputs;
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  EXPECT_TRUE(model.start());
  fakes::ScriptedReply forged_category;
  forged_category.content = decision("photo" + k_forged, json::object());
  fakes::ScriptedReply huge_field;
  huge_field.content =
      decision("photo", json{{"a" + k_forged + std::string(k_huge, 'F'), "value"}});
  model.script({forged_category, huge_field});
  const std::string config = dir / "siftd.toml";
  write_file(config, "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
                         "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nprobe_at_start = "
                         "false\nbase_url = \"" +
                         model.base_url() + "\"\nbackoff_base_ms = 10\n");
  {
    siftd_test::DaemonProcess daemon({"run", "--config", config, "--log-format", log_format},
                                     dir / "log", {"SIFTD_API_KEY=k"});
    EXPECT_TRUE(
        wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
    write_file(dir / ("inbox/" + k_evil_name), siftd_test::photo_jpeg(640, 480, 1));
    EXPECT_TRUE(wait_for([&] {
      return fs::exists(dir / ("sorted/photo/" + k_evil_name + ".siftd.json"));
    })) << head(read_file(dir / "log"));
    write_file(dir / ("inbox/" + k_latin1_name), siftd_test::photo_jpeg(640, 480, 2));
    EXPECT_TRUE(wait_for([&] {
      return fs::exists(dir / ("sorted/photo/" + k_latin1_name + ".siftd.json"));
    })) << head(read_file(dir / "log"));
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait_exit(), 0);
  }
  EXPECT_EQ(model.request_count(), 3u);
  outputs.log = read_file(dir / "log");
  const auto csv = siftd_test::run_siftd("log --config '" + config + "' --format csv");
  EXPECT_EQ(csv.status, 0);
  outputs.csv = csv.out;
  return outputs;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void expect_no_forgery(const std::string& text) {
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "an escape sequence: " << head(text);
  EXPECT_EQ(text.find("<0>"), std::string::npos) << "a journald priority: " << head(text);
  EXPECT_EQ(text.find(std::string(1000, 'F')), std::string::npos) << "the huge field name";
}

}  // namespace

TEST(HostileReply, text_log_lines_stay_single_small_and_printable) {
  const Outputs outputs = run_hostile("text");
  EXPECT_LT(outputs.log.size(), 64u * 1024) << head(outputs.log);
  expect_no_forgery(outputs.log);
  EXPECT_NE(outputs.log.find("unknown field 'a\\n\\x3c0>\\x1b[2JforgedFFFF"), std::string::npos)
      << "the reply is quoted, escaped and cut: " << head(outputs.log);

  // siftd log --format csv: one row per line (CRLF), nothing raw from the name or the reply.
  expect_no_forgery(outputs.csv);
  for (std::size_t at = outputs.csv.find('\n'); at != std::string::npos;
       at = outputs.csv.find('\n', at + 1)) {
    ASSERT_GT(at, 0u);
    EXPECT_EQ(outputs.csv[at - 1], '\r') << "a line break inside a field: " << head(outputs.csv);
  }
  EXPECT_NE(outputs.csv.find("evil\\n\\x3c0>\\x1b[2Jforged.jpg"), std::string::npos)
      << head(outputs.csv);
}

TEST(HostileReply, json_log_lines_are_valid_utf8_json_even_for_names_that_are_not) {
  const Outputs outputs = run_hostile("json");
  EXPECT_LT(outputs.log.size(), 64u * 1024) << head(outputs.log);
  expect_no_forgery(outputs.log);
  bool named_latin1 = false;
  for (const auto& line : lines_of(outputs.log)) {
    const json entry = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(entry.is_object()) << "not valid JSON: " << head(line);
    const std::string message = entry.value("message", "");
    for (const char c : message) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << head(message);
    if (message.find("caf\\xe9.jpg") != std::string::npos) named_latin1 = true;
  }
  EXPECT_TRUE(named_latin1) << "the Latin-1 name is logged, escaped: " << head(outputs.log);
}

namespace {

std::uintmax_t bytes_under(const fs::path& root) {
  std::uintmax_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

}  // namespace

TEST(HostileReply, a_huge_field_value_is_stored_cut_to_the_cap_not_three_times_whole) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  fakes::ScriptedReply huge_value;
  huge_value.content = decision("photo", json{{"vendor", std::string(k_huge, 'V')}});
  model.script({huge_value});
  write_file(dir / "siftd.toml",
             "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
                 "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nprobe_at_start = false\n"
                 "base_url = \"" +
                 model.base_url() + "\"\nmax_field_bytes = 2000\n");
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml"}, dir / "log",
                                   {"SIFTD_API_KEY=k"});
  write_file(dir / "inbox/big.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(dir / "sorted/photo/big.jpg.siftd.json"); }))
      << head(read_file(dir / "log"));
  EXPECT_EQ(daemon.stop(), 0);

  const json sidecar = json::parse(read_file(dir / "sorted/photo/big.jpg.siftd.json"));
  const std::string vendor = sidecar["decision"]["fields"]["vendor"];
  EXPECT_LE(vendor.size(), 2000u);
  EXPECT_GT(vendor.size(), 1900u) << "cut at the cap, not emptied";
  // The journal and decision log (under inbox/.siftd) and the sidecar together hold less than
  // one copy of the reply.
  EXPECT_LT(bytes_under(dir / "sorted") + bytes_under(dir / "inbox"), 1'000'000u);
  EXPECT_LT(read_file(dir / "log").size(), 64u * 1024);
}

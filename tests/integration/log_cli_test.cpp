// `siftd log` after a real `siftd run`: one decision row per decided file, exported as CSV with
// one header (RFC 4180, parsed back here) and as JSON lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "pipeline/csv.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/test_media.h"
#include "tests/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::write_file;

// Single quotes for the shell; test paths hold none.
std::string shell_quoted(const std::string& text) {
  return "'" + text + "'";
}

}  // namespace

TEST(LogCli, exports_one_row_per_decision_as_csv_and_jsonl) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  write_file(inbox + "/holiday, \"best\".jpg", siftd_test::photo_jpeg(1600, 1200, 1));
  write_file(inbox + "/screen.png", siftd_test::screenshot_png(1920, 1080));
  write_file(inbox + "/broken.jpg", siftd_test::corrupt_jpeg());  // never decided: no row
  {
    siftd_test::DaemonProcess daemon({"run", "--inbox", inbox, "--out", out, "--settle-ms", "100"},
                                     dir / "siftd.log");
    ASSERT_TRUE(wait_for([&] {
      return fs::exists(out + "/photo/holiday, \"best\".jpg.siftd.json") &&
             fs::exists(out + "/screenshot/screen.png.siftd.json") &&
             fs::exists(out + "/_quarantine/broken.jpg.error.json");
    })) << read_file(dir / "siftd.log");
    EXPECT_EQ(daemon.stop(), 0);
  }

  const auto csv = run_siftd("log --inbox " + shell_quoted(inbox) + " --format csv");
  ASSERT_EQ(csv.status, 0);
  const auto rows = pipeline::parse_csv(csv.out);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u) << csv.out;
  const auto& header = rows->front();
  EXPECT_EQ(header.front(), "id");
  for (const auto& row : *rows) EXPECT_EQ(row.size(), header.size());
  const auto column = [&](std::size_t row, const std::string& name) {
    const auto at = std::find(header.begin(), header.end(), name);
    EXPECT_NE(at, header.end()) << name;
    return (*rows)[row][static_cast<std::size_t>(at - header.begin())];
  };
  std::vector<std::string> categories{column(1, "category"), column(2, "category")};
  std::sort(categories.begin(), categories.end());
  EXPECT_EQ(categories, (std::vector<std::string>{"photo", "screenshot"}));
  for (std::size_t row = 1; row <= 2; ++row) {
    EXPECT_EQ(column(row, "backend"), "local");
    EXPECT_EQ(column(row, "outcome"), "route");
    EXPECT_EQ(column(row, "kind"), "image");
    EXPECT_EQ(column(row, "sha256").size(), 64u);
    EXPECT_EQ(column(row, "token_estimate"), "258");
    EXPECT_NE(column(row, "destination").find(out), std::string::npos);
  }
  const bool photo_first = column(1, "category") == "photo";
  EXPECT_EQ(column(photo_first ? 1 : 2, "path"), inbox + "/holiday, \"best\".jpg");

  const auto jsonl = run_siftd("log --inbox " + shell_quoted(inbox) + " --since 1h");
  ASSERT_EQ(jsonl.status, 0);
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = jsonl.out.find('\n', at)) != std::string::npos; ++at) ++lines;
  ASSERT_EQ(lines, 2u);
  const auto first = nlohmann::json::parse(jsonl.out.substr(0, jsonl.out.find('\n')));
  EXPECT_TRUE(first["facts"].is_object());
  EXPECT_TRUE(first["decision"].is_object());
  EXPECT_EQ(first["backend"], "local");

  const auto future =
      run_siftd("log --inbox " + shell_quoted(inbox) + " --format csv --since 2999-01-01");
  ASSERT_EQ(future.status, 0);
  EXPECT_EQ(future.out,
            pipeline::parse_csv(csv.out) ? csv.out.substr(0, csv.out.find('\n') + 1) : "");
  EXPECT_EQ(run_siftd("log --inbox " + shell_quoted(inbox) + " --since tomorrowish").status, 2);
  EXPECT_EQ(run_siftd("log --inbox " + shell_quoted(dir / "nowhere")).status, 1);
}

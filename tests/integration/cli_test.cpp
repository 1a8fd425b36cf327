// The command line of the real binary: exit codes, `once`, `normalize`, `check-config`.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

using Output = siftd_test::CommandOutput;

Output siftd(const std::string& arguments) {
  return siftd_test::run_siftd(arguments);
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST(Cli, version_and_usage_exit_codes) {
  const auto version = siftd("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("siftd ", 0), 0u);
  EXPECT_EQ(siftd("").status, 2);
  EXPECT_EQ(siftd("frobnicate").status, 2);
  EXPECT_EQ(siftd("run --workers 0").status, 2);
}

TEST(Cli, check_config_accepts_the_example_and_rejects_a_bad_file) {
  siftd_test::TempDir dir;
  const auto example = std::string(SIFTD_SOURCE_DIR) + "/systemd/siftd.toml.example";
  EXPECT_EQ(siftd("check-config '" + example + "'").status, 0);
  siftd_test::write_file(dir / "bad.toml", "[daemon]\nworkerz = 3\n");
  EXPECT_EQ(siftd("check-config '" + (dir / "bad.toml") + "'").status, 2);
  EXPECT_EQ(siftd("check-config '" + (dir / "missing.toml") + "'").status, 2);
}

TEST(Cli, once_prints_one_decision_per_file_and_moves_nothing) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "photo.jpg", siftd_test::photo_jpeg(1600, 1200, 1));
  siftd_test::write_file(dir / "broken.jpg", siftd_test::corrupt_jpeg());
  const auto result = siftd("once '" + (dir / "photo.jpg") + "' '" + (dir / "broken.jpg") + "'");
  EXPECT_EQ(result.status, 1) << "one file failed";
  const auto lines = json_lines(result.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["decision"]["category"], "photo");
  EXPECT_EQ(lines[0]["backend"], "local");
  EXPECT_EQ(lines[0]["tokens"]["estimate"], 258);
  EXPECT_EQ(lines[0]["tokens"]["naive"], 1032);
  EXPECT_EQ(lines[1]["error"]["stage"], "normalize");
  EXPECT_TRUE(std::filesystem::exists(dir / "photo.jpg"));
  EXPECT_TRUE(std::filesystem::exists(dir / "broken.jpg"));
}

TEST(Cli, normalize_prints_facts_and_writes_the_parts) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "photo.jpg", siftd_test::photo_jpeg(4000, 3000, 1));
  const auto result =
      siftd("normalize '" + (dir / "photo.jpg") + "' --out '" + (dir / "parts") + "'");
  ASSERT_EQ(result.status, 0);
  const auto lines = json_lines(result.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["kind"], "image");
  EXPECT_EQ(lines[0]["facts"]["width"], 4000);
  EXPECT_EQ(lines[0]["token_estimate"], 258);
  EXPECT_EQ(lines[0]["naive_tokens"], 1032);
  const std::string part = lines[0]["parts"][0]["file"];
  EXPECT_TRUE(std::filesystem::exists(part));
  EXPECT_GT(std::filesystem::file_size(part), 1000u);
}

TEST(Cli, a_misspelt_subcommand_or_flag_gets_a_did_you_mean_and_exit_2) {
  const auto subcommand = siftd_test::run_siftd("statsu", true);
  EXPECT_EQ(subcommand.status, 2);
  EXPECT_NE(subcommand.out.find("did you mean \"status\""), std::string::npos) << subcommand.out;
  const auto flag = siftd_test::run_siftd("run --setle-ms 5", true);
  EXPECT_EQ(flag.status, 2);
  EXPECT_NE(flag.out.find("did you mean --settle-ms"), std::string::npos) << flag.out;
  const auto far = siftd_test::run_siftd("frobnicate", true);
  EXPECT_EQ(far.status, 2);
  EXPECT_EQ(far.out.find("did you mean"), std::string::npos) << far.out;
}

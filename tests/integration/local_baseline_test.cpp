// The offline baseline the README reports: generate the labeled set, run `siftd eval` with the
// local backend, and hold the accuracy to its floor. Skipped where the generator's Debian
// tools are missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/integration/daemon_process.h"
#include "tests/temp_dir.h"

namespace {

bool has_tools() {
  for (const char* tool : {"convert", "gs", "espeak-ng", "sox", "ffmpeg", "perl"}) {
    const std::string probe = std::string("command -v ") + tool + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) return false;
  }
  return true;
}

}  // namespace

TEST(LocalBaseline, the_local_backend_keeps_its_accuracy_on_the_generated_set) {
  if (!has_tools())
    GTEST_SKIP() << "the generator needs ImageMagick, Ghostscript, espeak-ng, sox and ffmpeg";
  siftd_test::TempDir dir;
  const std::string generate = std::string("'") + SIFTD_SOURCE_DIR +
                               "/fixtures/eval/generate.sh' '" + (dir / "set") +
                               "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(generate.c_str()), 0);
  const std::string report = dir / "report.html";
  const auto result = siftd_test::run_siftd(
      "eval --backend local --labels '" + (dir / "set/labels.csv") + "' --report '" + report + "'");
  ASSERT_EQ(result.status, 0) << result.out;
  EXPECT_NE(result.out.find("files               62 (0 failed)"), std::string::npos) << result.out;
  // README.md reports 53/62; a change below that floor must update the README or the rules.
  const auto at = result.out.find("accuracy            ");
  ASSERT_NE(at, std::string::npos);
  const int correct = std::atoi(result.out.c_str() + result.out.find('(', at) + 1);
  EXPECT_GE(correct, 53) << result.out;
  EXPECT_TRUE(std::filesystem::exists(report));
}

// Start-up exit codes of the real binary: 2 when the configuration is wrong (the user's to
// fix), 1 when it is right but something it names cannot be used, such as a result cache
// database that cannot be opened.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "daemon_process.h"

namespace {

using siftd_test::DaemonProcess;
using siftd_test::read_file;
using siftd_test::TempDir;
using siftd_test::write_file;

// An openai configuration whose result cache lives at `cache_path`; the model is never asked.
std::string openai_config(const TempDir& dir, const std::string& cache_path) {
  return "[daemon]\ninbox = \"" + dir / "inbox" + "\"\nout = \"" + dir / "sorted" +
         "\"\n[model]\nbackend = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"
         "cache_path = \"" +
         cache_path + "\"\n";
}

struct Exit {
  int status = -1;
  std::string log;
};

Exit run(const TempDir& dir, std::vector<std::string> args, std::vector<std::string> env) {
  const std::string log = dir / "siftd.log";
  DaemonProcess process(std::move(args), log, std::move(env));
  Exit result;
  result.status = process.wait_exit();
  result.log = read_file(log);
  return result;
}

TEST(ExitCodes, run_exits_1_when_the_result_cache_cannot_be_created) {
  TempDir dir;
  write_file(dir / "not_a_folder", "a file where the cache's folder should be");
  write_file(dir / "siftd.toml", openai_config(dir, dir / "not_a_folder/result_cache.db"));
  const auto result = run(dir, {"run", "--config", dir / "siftd.toml"}, {"SIFTD_API_KEY=test-key"});
  EXPECT_EQ(result.status, 1) << result.log;
  EXPECT_NE(result.log.find("cannot start: model.cache_path"), std::string::npos) << result.log;
}

TEST(ExitCodes, once_exits_1_when_the_result_cache_database_cannot_open) {
  TempDir dir;
  std::filesystem::create_directories(dir / "cache_is_a_folder");
  write_file(dir / "siftd.toml", openai_config(dir, dir / "cache_is_a_folder"));
  write_file(dir / "note.txt", "hello");
  const auto result = run(dir, {"once", "--config", dir / "siftd.toml", dir / "note.txt"},
                          {"SIFTD_API_KEY=test-key"});
  EXPECT_EQ(result.status, 1) << result.log;
  EXPECT_NE(result.log.find("cannot open the spend ledger " + dir / "cache_is_a_folder"),
            std::string::npos)
      << result.log;
}

TEST(ExitCodes, run_exits_2_when_the_openai_backend_has_no_key) {
  TempDir dir;
  write_file(dir / "siftd.toml", openai_config(dir, dir / "result_cache.db"));
  const auto result = run(dir, {"run", "--config", dir / "siftd.toml"},
                          {"SIFTD_API_KEY=", "SIFTD_API_KEY_FILE=", "CREDENTIALS_DIRECTORY="});
  EXPECT_EQ(result.status, 2) << result.log;
  EXPECT_NE(result.log.find("no API key"), std::string::npos) << result.log;
}

}  // namespace

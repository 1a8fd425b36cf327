// A destination folder that is a symlink out of <out> (`out/screenshot -> /elsewhere`): siftd
// never follows it. The file is refused there with a clear error and kept safe in
// <out>/_quarantine; nothing lands outside <out>.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

}  // namespace

TEST(SymlinkedDestination, a_symlinked_category_folder_is_refused_and_the_file_kept_inside_out) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  const std::string elsewhere = dir / "elsewhere";
  fs::create_directories(inbox);
  fs::create_directories(out);
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, out + "/photo");

  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", inbox, "--out", out, "--settle-ms", "50", "--log-format", "text"},
      dir / "log");
  ASSERT_TRUE(
      wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
  const std::string photo = siftd_test::photo_jpeg(640, 480, 1);
  write_file(inbox + "/holiday.jpg", photo);

  ASSERT_TRUE(wait_for([&] { return fs::exists(out + "/_quarantine/holiday.jpg.error.json"); }))
      << read_file(dir / "log");
  EXPECT_TRUE(fs::is_empty(elsewhere)) << "a file left <out> through the symlink";
  EXPECT_EQ(read_file(out + "/_quarantine/holiday.jpg"), photo);
  const auto sidecar =
      nlohmann::json::parse(read_file(out + "/_quarantine/holiday.jpg.error.json"));
  EXPECT_EQ(sidecar["error_code"], "unsafe_path") << sidecar.dump();
  EXPECT_NE(sidecar["message"].get<std::string>().find("symlink"), std::string::npos)
      << sidecar.dump();
  // The runner logs the quarantine after placing its sidecar: waited for, not raced.
  EXPECT_TRUE(siftd_test::wait_for_log(dir / "log", "symlink")) << read_file(dir / "log");
  // The symlink itself is left as it was.
  EXPECT_TRUE(fs::is_symlink(out + "/photo"));

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

// Inputs that trip up watch-folder tools: symlinks (never followed), FIFOs (never opened),
// and names with spaces, newlines, non-UTF-8 bytes and a leading dash.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>
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

TEST(OddInputs, symlinks_and_fifos_are_skipped_and_odd_names_are_kept) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  const std::string secret = dir / "outside-secret.jpg";
  const std::string secret_bytes = siftd_test::photo_jpeg(640, 480, 9);
  write_file(secret, secret_bytes);
  ::symlink(secret.c_str(), (inbox + "/link-out.jpg").c_str());
  ::mkfifo((inbox + "/pipe.jpg").c_str(), 0644);

  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", inbox, "--out", out, "--settle-ms", "100", "--log-format", "text"},
      dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));

  const std::vector<std::string> names = {"with space.jpg", "new\nline.jpg",
                                          std::string("caf\xe9-\xff.jpg"), "-dash.jpg"};
  for (std::size_t i = 0; i < names.size(); ++i)
    write_file(inbox + "/" + names[i], siftd_test::photo_jpeg(640, 480, static_cast<int>(i)));
  write_file(inbox + "/real.jpg", siftd_test::photo_jpeg(640, 480, 7));
  ::symlink((inbox + "/real.jpg").c_str(), (inbox + "/link-in.jpg").c_str());

  ASSERT_TRUE(wait_for([&] {
    for (const auto& name : names) {
      if (!fs::exists(out + "/photo/" + name + ".siftd.json")) return false;
    }
    return fs::exists(out + "/photo/real.jpg.siftd.json");
  })) << read_file(dir / "log");

  // The sidecar of a non-UTF-8 name is still valid JSON.
  const auto sidecar = nlohmann::json::parse(read_file(out + "/photo/" + names[2] + ".siftd.json"));
  EXPECT_EQ(sidecar["decision"]["category"], "photo");

  // Symlinks and the FIFO stay where they were, untouched; the link's target too.
  struct stat info {};
  EXPECT_EQ(::lstat((inbox + "/link-out.jpg").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(::lstat((inbox + "/pipe.jpg").c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(read_file(secret), secret_bytes);
  EXPECT_FALSE(fs::exists(out + "/photo/link-out.jpg"));
  EXPECT_FALSE(fs::exists(out + "/photo/link-in.jpg"));
  const std::string log = read_file(dir / "log");
  EXPECT_NE(log.find("link-out.jpg\": a symlink"), std::string::npos) << log;
  EXPECT_NE(log.find("pipe.jpg\": a FIFO"), std::string::npos) << log;
  EXPECT_NE(log.find("link-in.jpg\": a symlink"), std::string::npos) << log;

  EXPECT_EQ(daemon.stop(), 0);
}

// Several watched folders, each with its own settings: one through inotify (with new and
// moved-in subfolders), one polled as a network filesystem would be, each with its ignores.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

}  // namespace

TEST(WatchFolders, each_folder_is_watched_or_polled_with_its_own_settings) {
  siftd_test::TempDir dir;
  const std::string local = dir / "local";
  const std::string remote = dir / "remote";
  const std::string out = dir / "sorted";
  write_file(dir / "siftd.toml", "[daemon]\nout = \"" + out +
                                     "\"\n"
                                     "[[watch]]\npath = \"" +
                                     local +
                                     "\"\nsettle_ms = 50\n"
                                     "[[watch]]\npath = \"" +
                                     remote +
                                     "\"\nmode = \"poll\"\npoll_interval_ms = 200\n"
                                     "settle_ms = 100\nignore = [\"*.skip\"]\n");
  write_file(remote + "/before-start.png", siftd_test::numbered_png(1));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  EXPECT_NE(read_file(dir / "log").find(remote + " (polled)"), std::string::npos)
      << read_file(dir / "log");

  write_file(local + "/a.png", siftd_test::numbered_png(2));
  write_file(remote + "/b.png", siftd_test::numbered_png(3));
  write_file(remote + "/c.skip", siftd_test::numbered_png(4));
  fs::create_directories(local + "/new/deeper");
  write_file(local + "/new/deeper/d.png", siftd_test::numbered_png(5));
  // A folder with a file in it, moved in whole: its file lands before any watch exists.
  write_file(dir / "elsewhere/moved/e.png", siftd_test::numbered_png(6));
  fs::rename(dir / "elsewhere/moved", local + "/moved");

  ASSERT_TRUE(wait_for([&] {
    if (!fs::exists(out)) return false;
    for (const char* name : {"before-start.png", "a.png", "b.png", "d.png", "e.png"}) {
      bool found = false;
      for (const auto& entry : fs::recursive_directory_iterator(out))
        found = found || entry.path().filename() == name;
      if (!found) return false;
    }
    return true;
  })) << read_file(dir / "log");
  EXPECT_TRUE(fs::exists(remote + "/c.skip")) << "an ignored name is never taken";
  EXPECT_TRUE(fs::exists(local + "/.siftd/journal.db"))
      << "the journal lives in the first folder's work area";
  EXPECT_TRUE(fs::exists(remote + "/.siftd")) << "each folder claims into its own work area";
  EXPECT_EQ(daemon.stop(), 0);
}

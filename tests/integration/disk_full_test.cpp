// A destination filesystem that fills up (a 2 MiB tmpfs; the test needs root to mount it and
// is skipped otherwise): files that do not fit wait in the work area, across a restart too,
// and are placed once there is room. Nothing is quarantined for a full disk.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <regex>
#include <set>

#include <sys/mount.h>
#include <sys/statvfs.h>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::count_of;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

// A small tmpfs mounted for the test's lifetime.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::string& path) : m_path(path) {
    fs::create_directories(path);
    m_mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=2m") == 0;
  }
  ~SmallFilesystem() {
    if (m_mounted) ::umount2(m_path.c_str(), MNT_DETACH);
  }
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;
  bool mounted() const { return m_mounted; }

 private:
  std::string m_path;
  bool m_mounted = false;
};

std::uint64_t free_bytes(const std::string& path) {
  struct statvfs info {};
  ::statvfs(path.c_str(), &info);
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

// How many files the log says wait for room.
int waiting_for_room(const std::string& log) {
  static const std::regex line(R"(file=(\d+) put off \(no_space\))");
  std::set<std::string> ids;
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it)
    ids.insert((*it)[1]);
  return static_cast<int>(ids.size());
}

}  // namespace

TEST(DiskFull, files_wait_for_room_across_a_restart_and_none_is_quarantined) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  SmallFilesystem small(out);
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  fs::create_directories(inbox);

  std::vector<std::string> photos;
  std::size_t total = 0;
  for (int i = 0; i < 4; ++i) {
    photos.push_back(siftd_test::photo_jpeg(1600, 1200, i));
    total += photos.back().size();
  }
  // Leave room for about one of them.
  const std::uint64_t room = photos[0].size() + 64 * 1024;
  ASSERT_GT(free_bytes(out), room + 4096);
  write_file(out + "/filler", std::string(free_bytes(out) - room, 'f'));
  ASSERT_LT(free_bytes(out), total);

  write_file(dir / "siftd.toml", "[daemon]\ninbox = \"" + inbox + "\"\nout = \"" + out +
                                     "\"\nsettle_ms = 50\nmin_free_mb = 0\n");
  const std::vector<std::string> args = {"run", "--config", dir / "siftd.toml", "--log-format",
                                         "text"};
  {
    siftd_test::DaemonProcess daemon(args, dir / "log");
    ASSERT_TRUE(
        wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
    for (std::size_t i = 0; i < photos.size(); ++i)
      write_file(inbox + "/p" + std::to_string(i) + ".jpg", photos[i]);
    // Every file is either placed or waiting for room.
    ASSERT_TRUE(wait_for([&] {
      const std::string log = read_file(dir / "log");
      return count_of(log, " at \"" + out + "/photo/") + waiting_for_room(log) ==
             static_cast<int>(photos.size());
    })) << read_file(dir / "log");
    daemon.signal(SIGTERM);
    ASSERT_EQ(daemon.wait_exit(), 0);
  }
  EXPECT_FALSE(fs::exists(out + "/_quarantine")) << read_file(dir / "log");

  // After a restart, still short of room: the files wait again, none is quarantined.
  siftd_test::DaemonProcess again(args, dir / "log2");
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log2").find("(no_space)") != std::string::npos;
  })) << read_file(dir / "log2");
  EXPECT_FALSE(fs::exists(out + "/_quarantine")) << read_file(dir / "log2");

  // Room again: every file is placed, with its sidecar.
  fs::remove(out + "/filler");
  ASSERT_TRUE(wait_for([&] {
    for (std::size_t i = 0; i < photos.size(); ++i) {
      if (!fs::exists(out + "/photo/p" + std::to_string(i) + ".jpg.siftd.json")) return false;
    }
    return true;
  })) << read_file(dir / "log2");
  for (std::size_t i = 0; i < photos.size(); ++i)
    EXPECT_EQ(read_file(out + "/photo/p" + std::to_string(i) + ".jpg"), photos[i]);
  EXPECT_FALSE(fs::exists(out + "/_quarantine"));
  // Nothing half-copied stays behind.
  for (const auto& entry : fs::recursive_directory_iterator(out))
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
  again.signal(SIGTERM);
  EXPECT_EQ(again.wait_exit(), 0);
}

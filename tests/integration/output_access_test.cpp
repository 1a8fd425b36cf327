// Other services can read what siftd places: with [output] file_mode, dir_mode and group, the
// placed files, their sidecars and the folders siftd creates get that mode and group even under
// the unit's UMask=0077 (the daemon runs under `umask 077` here). check-config refuses a mode
// siftd could not work with and a group it cannot give files to, naming file, line and key.
#include <gtest/gtest.h>

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/daemon_process.h"
#include "tests/integration/test_media.h"
#include "tests/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::wait_for_log;
using siftd_test::write_file;

// A group this process may give files to other than its own: a supplementary one, or for root
// any other group of the machine.
std::optional<std::string> other_group() {
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
  if (!groups.empty()) ::getgroups(static_cast<int>(groups.size()), groups.data());
  if (::geteuid() == 0) {
    for (const char* name : {"users", "daemon", "nogroup", "adm"}) {
      if (const group* found = ::getgrnam(name); found && found->gr_gid != ::getegid())
        return std::string(found->gr_name);
    }
  }
  for (const gid_t gid : groups) {
    if (gid == ::getegid()) continue;
    if (const group* found = ::getgrgid(gid)) return std::string(found->gr_name);
  }
  return std::nullopt;
}

struct Entry {
  mode_t mode = 0;
  gid_t group = 0;
};

Entry entry_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return Entry{static_cast<mode_t>(info.st_mode & 07777), info.st_gid};
}

}  // namespace

TEST(OutputAccess, placed_files_sidecars_and_created_folders_get_the_configured_mode_and_group) {
  const auto group_name = other_group();
  if (!group_name) GTEST_SKIP() << "this user belongs to no second group to give files to";
  const gid_t gid = ::getgrnam(group_name->c_str())->gr_gid;
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";  // missing: siftd creates it
  fs::create_directories(inbox);
  write_file(dir / "siftd.toml", "[daemon]\ninbox = '" + inbox + "'\nout = '" + out +
                                     "'\nsettle_ms = 50\n[output]\nfile_mode = \"0640\"\n"
                                     "dir_mode = \"2750\"\ngroup = \"" +
                                     *group_name + "\"\n");
  // The unit's UMask=0077: before [output], every file was 0600 and every folder 0700.
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {},
                                   {"/bin/sh", "-c", "umask 077; exec \"$0\" \"$@\""});
  ASSERT_TRUE(wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  write_file(inbox + "/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  write_file(inbox + "/broken.jpg", siftd_test::corrupt_jpeg());
  ASSERT_TRUE(wait_for([&] {
    return fs::exists(out + "/photo/a.jpg.siftd.json") &&
           fs::exists(out + "/_quarantine/broken.jpg.error.json");
  })) << read_file(dir / "log");
  EXPECT_EQ(daemon.stop(), 0) << read_file(dir / "log");

  for (const std::string& folder : {out, out + "/photo", out + "/_quarantine"}) {
    const Entry got = entry_of(folder);
    EXPECT_EQ(got.mode, 02750u) << folder << " is " << std::oct << got.mode;
    EXPECT_EQ(got.group, gid) << folder;
  }
  for (const std::string& file :
       {out + "/photo/a.jpg", out + "/photo/a.jpg.siftd.json", out + "/_quarantine/broken.jpg",
        out + "/_quarantine/broken.jpg.error.json"}) {
    const Entry got = entry_of(file);
    EXPECT_EQ(got.mode, 0640u) << file << " is " << std::oct << got.mode;
    EXPECT_EQ(got.group, gid) << file;
  }
  EXPECT_EQ(read_file(dir / "log").find("output access"), std::string::npos)
      << read_file(dir / "log");
}

TEST(OutputAccess, check_config_refuses_modes_siftd_cannot_work_with_and_unknown_groups) {
  siftd_test::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> holes = {
      {"file_mode = \"0440\"", "output.file_mode"},
      {"file_mode = \"rw-r-----\"", "output.file_mode"},
      {"file_mode = \"4755\"", "output.file_mode"},
      {"dir_mode = \"0550\"", "output.dir_mode"},
      {"group = \"no-such-group-siftd\"", "output.group"},
  };
  for (const auto& [line, key] : holes) {
    const std::string file = dir / "bad.toml";
    write_file(file, "[daemon]\ninbox = '" + (dir / "inbox") + "'\n[output]\n" + line + "\n");
    const auto result = run_siftd("check-config '" + file + "'", true);
    EXPECT_EQ(result.status, 2) << line << ": " << result.out;
    EXPECT_NE(result.out.find(file + ":4:"), std::string::npos) << line << ": " << result.out;
    EXPECT_NE(result.out.find(key), std::string::npos) << line << ": " << result.out;
  }
}

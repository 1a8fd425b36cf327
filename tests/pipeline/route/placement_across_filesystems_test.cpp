// Placement across filesystems: copy to a temp name, fsync, verify the hash, link to the
// target (never over anything), then unlink the source. /dev/shm is a tmpfs; the temp folder
// is usually another filesystem.
#include "pipeline/route/placement.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "pipeline/file_hash.h"
#include "tests/temp_dir.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;

bool same_filesystem(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev;
}

}  // namespace

TEST(PlacementAcrossFilesystems, copies_verifies_and_removes_the_source) {
  siftd_test::TempDir destination;
  if (!fs::exists("/dev/shm") || same_filesystem("/dev/shm", destination.path())) {
    GTEST_SKIP() << "needs /dev/shm on a filesystem other than " << destination.path();
  }
  const std::string source = "/dev/shm/siftd-placement-" + std::to_string(::getpid());
  const std::string content(300'000, 'x');
  siftd_test::write_file(source, content);
  siftd_test::write_file(destination / "out/a.bin", "taken");

  auto target = first_free_path(destination / "out", "a.bin");
  ASSERT_TRUE(target);
  EXPECT_EQ(*target, destination / "out/a (1).bin");
  auto placed = place_file_at(source, *target, sha256_bytes(content));
  ASSERT_TRUE(placed) << placed.error().detail;
  EXPECT_EQ(siftd_test::read_file(*target), content);
  EXPECT_EQ(siftd_test::read_file(destination / "out/a.bin"), "taken");
  EXPECT_FALSE(fs::exists(source));
  for (const auto& entry : fs::directory_iterator(destination / "out")) {
    EXPECT_NE(entry.path().filename().string().front(), '.')
        << "no temp file is left: " << entry.path();
  }
}

TEST(PlacementAcrossFilesystems, a_copy_that_does_not_match_its_hash_is_refused) {
  siftd_test::TempDir destination;
  if (!fs::exists("/dev/shm") || same_filesystem("/dev/shm", destination.path())) GTEST_SKIP();
  const std::string source = "/dev/shm/siftd-placement-bad-" + std::to_string(::getpid());
  siftd_test::write_file(source, "the real bytes");
  fs::create_directories(destination / "out");
  auto placed = place_file_at(source, destination / "out/a.bin", sha256_bytes("other bytes"));
  ASSERT_FALSE(placed);
  EXPECT_TRUE(fs::exists(source)) << "the source stays when the copy cannot be verified";
  EXPECT_FALSE(fs::exists(destination / "out/a.bin"));
  fs::remove(source);
}

}  // namespace pipeline

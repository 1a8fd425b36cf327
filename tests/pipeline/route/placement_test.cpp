#include "pipeline/route/placement.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/file_hash.h"
#include "tests/temp_dir.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;

class PlacementTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    siftd_test::write_file(m_tmp / name, content);
    return m_tmp / name;
  }
  static std::string read(const std::string& path) { return siftd_test::read_file(path); }

  siftd_test::TempDir m_tmp;
  const std::string& m_dir = m_tmp.path();
};

TEST(NumberedName, numbers_before_the_last_extension) {
  EXPECT_EQ(numbered_name("a.jpg", 0), "a.jpg");
  EXPECT_EQ(numbered_name("a.jpg", 1), "a (1).jpg");
  EXPECT_EQ(numbered_name(".hidden", 2), ".hidden (2)");
  EXPECT_EQ(numbered_name("archive.tar.gz", 2), "archive.tar (2).gz");
  EXPECT_EQ(numbered_name("noext", 3), "noext (3)");
}

TEST(FitName, keeps_the_extension_and_never_splits_a_utf8_character) {
  EXPECT_EQ(fit_name("short.jpg", 255), "short.jpg");
  EXPECT_EQ(fit_name(std::string(300, 'a') + ".jpg", 20), std::string(16, 'a') + ".jpg");
  std::string accents;
  for (int i = 0; i < 20; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(fit_name(accents + ".png", 10), "\xc3\xa9\xc3\xa9\xc3\xa9.png");  // not 3.5 of them
  EXPECT_EQ(fit_name(std::string(40, 'x'), 8), std::string(8, 'x'));
}

TEST(FitName, a_numbered_name_leaves_room_for_the_sidecar_suffix) {
  const std::string name = std::string(250, 'n') + ".jpg";
  const std::string first = fitting_numbered_name(name, 0, 11);
  const std::string tenth = fitting_numbered_name(name, 10, 11);
  EXPECT_EQ(first.size(), 244u);
  EXPECT_EQ(tenth.size(), 244u);
  EXPECT_TRUE(tenth.ends_with(" (10).jpg")) << tenth;
}

TEST_F(PlacementTest, never_overwrites_a_taken_name) {
  write("out/a.jpg", "first");
  write("out/a (1).jpg", "second");
  const std::string from = write("work/x", "third");
  auto placed = place_file(from, m_dir + "/out", "a.jpg", sha256_bytes("third"));
  ASSERT_TRUE(placed) << placed.error().detail;
  EXPECT_EQ(*placed, m_dir + "/out/a (2).jpg");
  EXPECT_EQ(read(m_dir + "/out/a.jpg"), "first");
  EXPECT_EQ(read(m_dir + "/out/a (1).jpg"), "second");
  EXPECT_EQ(read(*placed), "third");
  EXPECT_FALSE(fs::exists(from));
}

TEST_F(PlacementTest, place_at_fails_with_exists_on_a_taken_target) {
  write("out/a.jpg", "first");
  const std::string from = write("work/x", "other");
  auto placed = place_file_at(from, m_dir + "/out/a.jpg", sha256_bytes("other"));
  ASSERT_FALSE(placed);
  EXPECT_EQ(placed.error().code, ErrorCode::exists);
  EXPECT_EQ(read(m_dir + "/out/a.jpg"), "first");
  EXPECT_TRUE(fs::exists(from));
}

TEST_F(PlacementTest, first_free_path_skips_taken_variants) {
  write("out/b.png", "1");
  auto free = first_free_path(m_dir + "/out", "b.png");
  ASSERT_TRUE(free);
  EXPECT_EQ(*free, m_dir + "/out/b (1).png");
}

TEST_F(PlacementTest, atomic_write_refuses_to_replace_unless_asked) {
  const std::string path = m_dir + "/s.json";
  ASSERT_TRUE(write_file_atomic(path, "one"));
  auto again = write_file_atomic(path, "two");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::exists);
  ASSERT_TRUE(write_file_atomic(path, "three", /*replace=*/true));
  EXPECT_EQ(read(path), "three");
}

}  // namespace
}  // namespace pipeline

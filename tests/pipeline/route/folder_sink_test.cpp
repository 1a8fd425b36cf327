#include "pipeline/route/folder_sink.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/file_hash.h"
#include "tests/temp_dir.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class FolderSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(m_dir + "/work"); }

  FileRecord record(const std::string& name, const std::string& content) {
    FileRecord r;
    r.id = ++m_next_id;
    r.name = name;
    r.work_path = m_dir + "/work/" + std::to_string(r.id);
    std::ofstream(r.work_path, std::ios::binary) << content;
    r.sha256 = sha256_bytes(content);
    r.kind = media::Kind::image;
    r.outcome = Outcome::route;
    r.decision = Decision{"photo", 0.9, Route::accept, "", {}};
    return r;
  }
  static json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in, nullptr, false);
  }

  siftd_test::TempDir m_tmp;
  const std::string& m_dir = m_tmp.path();
  std::int64_t m_next_id = 0;
};

TEST_F(FolderSinkTest, delivers_with_a_decision_sidecar_and_numbers_collisions) {
  FolderSink sink(m_dir + "/out/{category}", SidecarKind::decision);
  for (int i = 0; i < 2; ++i) {
    FileRecord r = record("a.jpg", "content " + std::to_string(i));
    auto target = sink.plan(r);
    ASSERT_TRUE(target) << target.error().detail;
    ASSERT_TRUE(sink.deliver(r, *target));
  }
  EXPECT_TRUE(fs::exists(m_dir + "/out/photo/a.jpg"));
  EXPECT_TRUE(fs::exists(m_dir + "/out/photo/a (1).jpg"));
  const json sidecar = read_json(m_dir + "/out/photo/a (1).jpg.siftd.json");
  ASSERT_TRUE(sidecar.is_object());
  EXPECT_EQ(sidecar["decision"]["category"], "photo");
  EXPECT_EQ(sidecar["outcome"], "route");
  EXPECT_EQ(sidecar["sha256"], sha256_bytes("content 1"));
}

TEST_F(FolderSinkTest, quarantine_writes_an_error_sidecar) {
  FolderSink sink(m_dir + "/out/_quarantine", SidecarKind::error);
  FileRecord r = record("broken.pdf", "%PDF-");
  r.error = StageError{Stage::normalize, "corrupt", "no xref table"};
  auto target = sink.plan(r);
  ASSERT_TRUE(target);
  ASSERT_TRUE(sink.deliver(r, *target));
  const json sidecar = read_json(*target + ".error.json");
  EXPECT_EQ(sidecar["stage"], "normalize");
  EXPECT_EQ(sidecar["error_code"], "corrupt");
  EXPECT_EQ(sidecar["message"], "no xref table");
}

TEST_F(FolderSinkTest, never_makes_a_path_from_a_category_outside_the_rules) {
  FolderSink sink(m_dir + "/out/{category}", SidecarKind::decision);
  FileRecord r = record("x.jpg", "x");
  r.decision = Decision{"../../etc", 0.9, Route::accept, "", {}};
  auto directory = sink.directory_for(r);
  ASSERT_TRUE(directory);
  EXPECT_EQ(directory->find(".."), std::string::npos) << *directory;
}

TEST_F(FolderSinkTest, recovers_a_delivery_interrupted_before_its_sidecar) {
  FolderSink sink(m_dir + "/out", SidecarKind::decision);
  FileRecord r = record("c.jpg", "c");
  const std::string target = m_dir + "/out/c.jpg";
  fs::create_directories(m_dir + "/out");
  fs::rename(r.work_path, target);
  auto recovered = sink.recover(r, target);
  ASSERT_TRUE(recovered) << recovered.error().detail;
  EXPECT_TRUE(*recovered);
  EXPECT_TRUE(fs::exists(target + ".siftd.json"));
}

}  // namespace
}  // namespace pipeline

namespace pipeline {

TEST_F(FolderSinkTest, two_workers_planning_the_same_name_get_different_targets) {
  FolderSink sink(m_dir + "/out/{category}", SidecarKind::decision);
  const FileRecord first = record("same.jpg", "identical bytes");
  const FileRecord second = record("same.jpg", "identical bytes");
  auto a = sink.plan(first);
  auto b = sink.plan(second);  // before the first is delivered
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  ASSERT_TRUE(sink.deliver(second, *b));
  ASSERT_TRUE(sink.deliver(first, *a));
  EXPECT_EQ(siftd_test::read_file(*a), "identical bytes");
  EXPECT_EQ(siftd_test::read_file(*b), "identical bytes");
}

}  // namespace pipeline

namespace pipeline {

TEST_F(FolderSinkTest, refuses_a_symlinked_destination_folder_and_never_writes_through_it) {
  fs::create_directories(m_dir + "/out");
  fs::create_directories(m_dir + "/elsewhere");
  fs::create_directory_symlink(m_dir + "/elsewhere", m_dir + "/out/photo");
  FolderSink sink(m_dir + "/out/{category}", SidecarKind::decision, m_dir + "/out");
  const FileRecord r = record("a.jpg", "bytes");
  auto target = sink.plan(r);
  ASSERT_FALSE(target);
  EXPECT_EQ(target.error().code, ErrorCode::unsafe_path);
  EXPECT_NE(target.error().detail.find("symlink"), std::string::npos) << target.error().detail;
  // A target planned before the folder became a symlink is refused at delivery too.
  auto late = sink.deliver(r, m_dir + "/out/photo/a.jpg");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::unsafe_path);
  EXPECT_TRUE(fs::is_empty(m_dir + "/elsewhere"));
  EXPECT_TRUE(fs::exists(r.work_path));
}

}  // namespace pipeline

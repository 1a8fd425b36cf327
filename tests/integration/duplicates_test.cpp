// Files copied into the inbox twice, as `rclone copy` run again does: the second copy is not
// asked or placed again. By default it is removed from the inbox; daemon.duplicates = "route"
// sets it aside in {out}/_duplicates and "keep" sorts it again. Each copy gets one log line
// and a decision-log row.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/daemon_process.h"
#include "tests/integration/test_media.h"
#include "tests/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::count_of;
using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::wait_for_log;
using siftd_test::write_file;

struct Drop {
  std::string name;
  std::string bytes;
};

// Made once: photo_jpeg() draws its noise from OpenCV's global generator, so two calls with
// one seed give different bytes.
const std::vector<Drop>& drops() {
  static const std::vector<Drop> made = {{"a.jpg", siftd_test::photo_jpeg(640, 480, 1)},
                                         {"b.jpg", siftd_test::photo_jpeg(640, 480, 2)},
                                         {"c.png", siftd_test::screenshot_png(1280, 720)}};
  return made;
}

// Regular files under `folder`, sidecars included.
int files_under(const std::string& folder) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

// Starts a daemon on dir/inbox -> dir/sorted with `duplicates` (empty: the default), drops
// every file, waits until all are placed, then drops the same files again.
class TwoCopies {
 public:
  explicit TwoCopies(const std::string& duplicates) {
    std::string config =
        "[daemon]\ninbox = '" + inbox() + "'\nout = '" + out() + "'\nsettle_ms = 50\n";
    if (!duplicates.empty()) config += "duplicates = \"" + duplicates + "\"\n";
    write_file(m_dir / "siftd.toml", config);
    fs::create_directories(inbox());
    m_daemon = std::make_unique<siftd_test::DaemonProcess>(
        std::vector<std::string>{"run", "--config", m_dir / "siftd.toml", "--log-format", "text"},
        log_path());
  }

  std::string inbox() const { return m_dir / "inbox"; }
  std::string out() const { return m_dir / "sorted"; }
  std::string log_path() const { return m_dir / "siftd.log"; }
  std::string log() const { return read_file(log_path()); }
  siftd_test::DaemonProcess& daemon() { return *m_daemon; }

  bool drop_twice() {
    if (!wait_for_log(log_path(), "watching")) return false;
    for (const auto& drop : drops()) write_file(inbox() + "/" + drop.name, drop.bytes);
    if (!wait_for([&] {
          return fs::exists(out() + "/photo/a.jpg.siftd.json") &&
                 fs::exists(out() + "/photo/b.jpg.siftd.json") &&
                 fs::exists(out() + "/screenshot/c.png.siftd.json");
        })) {
      return false;
    }
    for (const auto& drop : drops()) write_file(inbox() + "/" + drop.name, drop.bytes);
    return true;
  }

  // The decision-log rows as JSON values.
  std::vector<nlohmann::json> decision_rows() const {
    std::vector<nlohmann::json> rows;
    const auto exported = run_siftd("log --config '" + (m_dir / "siftd.toml") + "'");
    std::size_t start = 0;
    while (start < exported.out.size()) {
      const auto end = exported.out.find('\n', start);
      const std::string line = exported.out.substr(start, end - start);
      if (!line.empty()) rows.push_back(nlohmann::json::parse(line, nullptr, false));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return rows;
  }

 private:
  siftd_test::TempDir m_dir;
  std::unique_ptr<siftd_test::DaemonProcess> m_daemon;
};

int rows_with_outcome(const std::vector<nlohmann::json>& rows, const std::string& outcome) {
  int count = 0;
  for (const auto& row : rows) {
    if (row.is_object() && row.value("outcome", "") == outcome) ++count;
  }
  return count;
}

}  // namespace

TEST(Duplicates, a_second_copy_is_removed_from_the_inbox_without_being_asked_by_default) {
  TwoCopies copies("");
  ASSERT_TRUE(copies.drop_twice()) << copies.log();
  // Before: each second copy was decided and placed again, as "a (1).jpg".
  ASSERT_TRUE(wait_for([&] { return count_of(copies.log(), "is a duplicate") == 3; }))
      << copies.log();
  EXPECT_EQ(copies.daemon().stop(), 0) << copies.log();

  EXPECT_FALSE(fs::exists(copies.out() + "/photo/a (1).jpg"));
  EXPECT_FALSE(fs::exists(copies.out() + "/_duplicates"));
  EXPECT_EQ(files_under(copies.out()), 6) << "three files and their sidecars, once";
  for (const auto& drop : drops()) EXPECT_FALSE(fs::exists(copies.inbox() + "/" + drop.name));
  EXPECT_EQ(count_of(copies.log(), "removed"), 3) << copies.log();

  const auto rows = copies.decision_rows();
  EXPECT_EQ(rows_with_outcome(rows, "route"), 3);
  EXPECT_EQ(rows_with_outcome(rows, "duplicate"), 3);
}

TEST(Duplicates, route_sets_a_second_copy_aside_with_a_sidecar_naming_the_original) {
  TwoCopies copies("route");
  ASSERT_TRUE(copies.drop_twice()) << copies.log();
  const std::string aside = copies.out() + "/_duplicates";
  ASSERT_TRUE(wait_for([&] {
    return fs::exists(aside + "/a.jpg.siftd.json") && fs::exists(aside + "/b.jpg.siftd.json") &&
           fs::exists(aside + "/c.png.siftd.json");
  })) << copies.log();
  EXPECT_EQ(copies.daemon().stop(), 0) << copies.log();

  EXPECT_EQ(read_file(aside + "/a.jpg"), drops()[0].bytes);
  const auto sidecar = nlohmann::json::parse(read_file(aside + "/a.jpg.siftd.json"));
  EXPECT_EQ(sidecar["outcome"], "duplicate");
  EXPECT_NE(sidecar.value("duplicate_of", "").find(copies.out() + "/photo/a.jpg"),
            std::string::npos)
      << sidecar.dump();
  EXPECT_EQ(sidecar["decision"]["category"], "photo");
  EXPECT_FALSE(fs::exists(copies.out() + "/photo/a (1).jpg"));
  EXPECT_EQ(count_of(copies.log(), "is a duplicate"), 3) << copies.log();
  EXPECT_EQ(rows_with_outcome(copies.decision_rows(), "duplicate"), 3);
}

TEST(Duplicates, keep_sorts_a_second_copy_again) {
  TwoCopies copies("keep");
  ASSERT_TRUE(copies.drop_twice()) << copies.log();
  ASSERT_TRUE(wait_for([&] {
    return fs::exists(copies.out() + "/photo/a (1).jpg.siftd.json") &&
           fs::exists(copies.out() + "/photo/b (1).jpg.siftd.json") &&
           fs::exists(copies.out() + "/screenshot/c (1).png.siftd.json");
  })) << copies.log();
  EXPECT_EQ(copies.daemon().stop(), 0) << copies.log();
  EXPECT_EQ(count_of(copies.log(), "is a duplicate"), 0);
}

TEST(Duplicates, a_copy_of_a_file_moved_away_since_is_sorted_again) {
  TwoCopies copies("");
  ASSERT_TRUE(wait_for_log(copies.log_path(), "watching")) << copies.log();
  const auto& bytes = drops()[0].bytes;
  write_file(copies.inbox() + "/a.jpg", bytes);
  ASSERT_TRUE(wait_for([&] { return fs::exists(copies.out() + "/photo/a.jpg.siftd.json"); }))
      << copies.log();
  // The user took the sorted file elsewhere: the inbox copy is no longer a duplicate.
  fs::remove(copies.out() + "/photo/a.jpg");
  write_file(copies.inbox() + "/a.jpg", bytes);
  // Its sidecar stayed behind, so the name is taken: "a (1).jpg".
  ASSERT_TRUE(wait_for([&] { return fs::exists(copies.out() + "/photo/a (1).jpg.siftd.json"); }))
      << copies.log();
  EXPECT_EQ(copies.daemon().stop(), 0) << copies.log();
  EXPECT_EQ(count_of(copies.log(), "is a duplicate"), 0) << copies.log();
}

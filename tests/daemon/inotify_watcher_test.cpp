#include "daemon/inotify_watcher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "../temp_dir.h"

namespace daemon_core {
namespace {

bool has_event(const std::vector<WatchEvent>& events, WatchEvent::Type type,
               const std::string& path) {
  return std::any_of(events.begin(), events.end(),
                     [&](const WatchEvent& e) { return e.type == type && e.path == path; });
}

// Drains until `want` is seen or a generous bound passes (events are delivered asynchronously).
std::vector<WatchEvent> drain_until(InotifyWatcher& watcher, WatchEvent::Type want,
                                    const std::string& path) {
  std::vector<WatchEvent> all;
  for (int i = 0; i < 200 && !has_event(all, want, path); ++i) {
    auto events = watcher.drain();
    all.insert(all.end(), events.begin(), events.end());
    if (events.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return all;
}

}  // namespace

TEST(InotifyWatcher, reports_writes_renames_and_new_folders) {
  siftd_test::TempDir dir;
  auto watcher = InotifyWatcher::create(nullptr);
  ASSERT_TRUE(watcher);
  ASSERT_TRUE(watcher->watch_tree(dir.path()));

  siftd_test::write_file(dir / "a.jpg", "x");
  auto events = drain_until(*watcher, WatchEvent::Type::closed_write, dir / "a.jpg");
  EXPECT_TRUE(has_event(events, WatchEvent::Type::closed_write, dir / "a.jpg"));

  siftd_test::write_file(
      dir.path() + "/../" + std::filesystem::path(dir.path()).filename().string() + "-outside",
      "y");
  ::rename((dir.path() + "-outside").c_str(), (dir / "b.jpg").c_str());
  events = drain_until(*watcher, WatchEvent::Type::moved_in, dir / "b.jpg");
  EXPECT_TRUE(has_event(events, WatchEvent::Type::moved_in, dir / "b.jpg"));

  ::mkdir((dir / "sub").c_str(), 0755);
  events = drain_until(*watcher, WatchEvent::Type::folder_added, dir / "sub");
  EXPECT_TRUE(has_event(events, WatchEvent::Type::folder_added, dir / "sub"));
  siftd_test::write_file(dir / "sub/c.jpg", "z");
  events = drain_until(*watcher, WatchEvent::Type::closed_write, dir / "sub/c.jpg");
  EXPECT_TRUE(has_event(events, WatchEvent::Type::closed_write, dir / "sub/c.jpg"));
}

TEST(InotifyWatcher, skips_excluded_folders) {
  siftd_test::TempDir dir;
  ::mkdir((dir / ".siftd").c_str(), 0755);
  auto watcher = InotifyWatcher::create([](const std::string& folder) {
    return folder.size() >= 6 && folder.compare(folder.size() - 6, 6, ".siftd") == 0;
  });
  ASSERT_TRUE(watcher);
  ASSERT_TRUE(watcher->watch_tree(dir.path()));
  EXPECT_EQ(watcher->watch_count(), 1u);
}

TEST(ScanTree, lists_regular_files_and_reports_the_rest) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "a.jpg", "x");
  siftd_test::write_file(dir / "deep/er/b.png", "y");
  ::symlink("/etc/passwd", (dir / "link").c_str());
  ::mkfifo((dir / "fifo").c_str(), 0644);
  std::vector<std::string> found;
  std::vector<std::string> skipped;
  scan_tree(
      dir.path(), nullptr, [&](const std::string& f) { found.push_back(f); },
      [&](const std::string& p, const char*) { skipped.push_back(p); });
  std::sort(found.begin(), found.end());
  std::sort(skipped.begin(), skipped.end());
  EXPECT_EQ(found, (std::vector<std::string>{dir / "a.jpg", dir / "deep/er/b.png"}));
  EXPECT_EQ(skipped, (std::vector<std::string>{dir / "fifo", dir / "link"}));
}

}  // namespace daemon_core

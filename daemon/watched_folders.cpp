#include "daemon/watched_folders.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "daemon/filesystem_kind.h"
#include "daemon/real_location.h"
#include "daemon/temp_names.h"
#include "pipeline/display_text.h"
#include "pipeline/route/placement.h"

namespace daemon_core {
namespace {

using pipeline::printable;

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_under(const std::string& path, const std::string& folder) {
  return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
         path[folder.size()] == '/';
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The sidecars siftd writes beside each file it places: never taken, wherever they turn up.
bool is_sidecar_name(const std::string& name) {
  return ends_with(name, ".siftd.json") || ends_with(name, ".error.json");
}

// Folders never watched or scanned: dot folders, the work areas, and anything within a
// destination wherever it really is. A destination that came to lie inside a watched folder
// after the start (a symlink or a mount made later) would otherwise have its files taken
// again, each time under a longer name.
bool is_never_watched(const std::string& folder, const std::vector<std::string>& work_areas,
                      const std::vector<std::string>& destinations) {
  if (base_name(folder).front() == '.') return true;
  if (std::find(work_areas.begin(), work_areas.end(), folder) != work_areas.end()) return true;
  const auto location = RealLocation::of(folder);
  return std::any_of(destinations.begin(), destinations.end(), [&](const std::string& root) {
    return location.is_within(RealLocation::of(root));
  });
}

}  // namespace

Result<std::unique_ptr<WatchedFolders>> WatchedFolders::create(std::vector<FolderSettings> settings,
                                                               const pipeline::Clock& clock) {
  std::vector<Folder> folders;
  std::vector<std::string> work_areas;
  std::vector<std::string> destinations;
  for (auto& folder : settings) {
    if (auto ok = pipeline::make_directories(folder.path); !ok) return fail(ok.error());
    if (auto ok = pipeline::make_directories(folder.work_area); !ok) return fail(ok.error());
    work_areas.push_back(folder.work_area);
    for (const auto& root : folder.destinations) {
      if (std::find(destinations.begin(), destinations.end(), root) == destinations.end())
        destinations.push_back(root);
    }
    Folder entry;
    entry.polled = folder.mode == WatchMode::poll ||
                   (folder.mode == WatchMode::automatic && is_network_filesystem(folder.path));
    entry.settler = std::make_unique<Settler>(clock, std::chrono::milliseconds(folder.settle_ms));
    entry.settings = std::move(folder);
    folders.push_back(std::move(entry));
  }
  std::unique_ptr<InotifyWatcher> inotify;
  const bool any_watched =
      std::any_of(folders.begin(), folders.end(), [](const Folder& f) { return !f.polled; });
  if (any_watched) {
    auto watcher = InotifyWatcher::create([work_areas, destinations](const std::string& folder) {
      return is_never_watched(folder, work_areas, destinations);
    });
    if (!watcher) return tl::unexpected(watcher.error());
    inotify = std::make_unique<InotifyWatcher>(std::move(*watcher));
  }
  auto result = std::unique_ptr<WatchedFolders>(
      new WatchedFolders(std::move(folders), std::move(work_areas), std::move(destinations),
                         std::move(inotify), clock));
  for (auto& folder : result->m_folders) {
    if (!folder.polled) {
      if (auto ok = result->m_inotify->watch_tree(folder.settings.path); !ok)
        return tl::unexpected(ok.error());
    }
    // Everything already there is taken too (a watch only reports what happens after it).
    result->scan(folder, folder.settings.path);
    folder.last_scan = clock.now();
  }
  return result;
}

std::string WatchedFolders::describe() const {
  std::string text;
  for (const auto& folder : m_folders) {
    if (!text.empty()) text += ", ";
    text += folder.settings.path + (folder.polled ? " (polled)" : "");
  }
  return text;
}

WatchedFolders::Folder* WatchedFolders::folder_of(const std::string& path) {
  Folder* best = nullptr;
  for (auto& folder : m_folders) {
    if (is_under(path, folder.settings.path) &&
        (!best || folder.settings.path.size() > best->settings.path.size())) {
      best = &folder;
    }
  }
  return best;
}

bool WatchedFolders::is_excluded(const std::string& folder) const {
  return is_never_watched(folder, m_work_areas, m_destinations);
}

bool WatchedFolders::is_never_taken(const std::string& path, const Folder& folder) {
  const std::string name = base_name(path);
  if (is_temporary_name(name, folder.settings.ignore)) return true;
  if (!is_sidecar_name(name)) return false;
  if (m_skipped.insert(path).second)
    spdlog::info("skipping \"{}\": a siftd sidecar name (never taken)", printable(path));
  return true;
}

bool WatchedFolders::is_special_file(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || S_ISREG(info.st_mode)) return false;
  if (S_ISDIR(info.st_mode)) return true;
  if (m_skipped.insert(path).second) {
    const char* why = S_ISLNK(info.st_mode)    ? "a symlink (never followed)"
                      : S_ISFIFO(info.st_mode) ? "a FIFO"
                      : S_ISSOCK(info.st_mode) ? "a socket"
                                               : "a device or other special file";
    spdlog::info("skipping \"{}\": {}", printable(path), why);
  }
  return true;
}

void WatchedFolders::scan(Folder& folder, const std::string& root) {
  scan_tree(
      root, [this](const std::string& sub) { return is_excluded(sub); },
      [&](const std::string& file) {
        // Only news goes to the settler: re-noting a file it holds would restart its quiet time.
        if (!is_never_taken(file, folder) && !folder.settler->is_pending(file)) {
          folder.settler->changed(file);
        }
      },
      [this](const std::string& path, const char* why) {
        if (m_skipped.insert(path).second)
          spdlog::info("skipping \"{}\": {}", printable(path), why);
      });
}

void WatchedFolders::handle_events() {
  if (!m_inotify) return;
  using Type = WatchEvent::Type;
  for (const auto& event : m_inotify->drain()) {
    if (event.type == Type::overflow) {
      spdlog::warn("the inotify queue overflowed; rescanning every watched folder");
      rescan_all("overflow");
      continue;
    }
    Folder* folder = folder_of(event.path);
    if (!folder || folder->polled) continue;
    if (event.type == Type::folder_added) {
      scan(*folder, event.path);  // files can land before the new folder's watch exists
      continue;
    }
    if (is_never_taken(event.path, *folder)) continue;
    Settler& settler = *folder->settler;
    if ((event.type == Type::changed || event.type == Type::moved_in) &&
        !settler.is_pending(event.path) && is_special_file(event.path)) {
      continue;
    }
    switch (event.type) {
      case Type::opened: settler.opened_for_writing(event.path); break;
      case Type::closed_write:
      case Type::closed_read: settler.closed_after_writing(event.path); break;
      case Type::changed: settler.changed(event.path); break;
      case Type::moved_in: settler.moved_in(event.path); break;
      case Type::removed: settler.removed(event.path); break;
      default: break;
    }
  }
}

void WatchedFolders::rescan_all(const char* why) {
  ++m_rescans;
  spdlog::debug("rescanning every watched folder ({})", why);
  for (auto& folder : m_folders) {
    scan(folder, folder.settings.path);
    folder.last_scan = m_clock.now();
  }
}

void WatchedFolders::scan_due() {
  const auto now = m_clock.now();
  for (auto& folder : m_folders) {
    const auto interval =
        folder.polled ? std::chrono::milliseconds(folder.settings.poll_interval_ms)
                      : std::chrono::milliseconds(std::int64_t{folder.settings.rescan_s} * 1000);
    if (interval.count() <= 0 || now - folder.last_scan < interval) continue;
    if (!folder.polled) ++m_rescans;
    scan(folder, folder.settings.path);
    folder.last_scan = now;
  }
}

std::vector<ReadyFile> WatchedFolders::take_ready() {
  std::vector<ReadyFile> ready;
  for (auto& folder : m_folders) {
    for (auto& path : folder.settler->take_ready())
      ready.push_back({std::move(path), folder.settings.work_area});
  }
  return ready;
}

std::chrono::milliseconds WatchedFolders::next_check() const {
  auto soonest = std::chrono::milliseconds::max();
  const auto now = m_clock.now();
  for (const auto& folder : m_folders) {
    soonest = std::min(soonest, folder.settler->next_check());
    if (folder.polled) {
      const auto due =
          folder.last_scan + std::chrono::milliseconds(folder.settings.poll_interval_ms);
      soonest = std::min(soonest, pipeline::wait_until(due, now));
    }
  }
  return soonest;
}

std::size_t WatchedFolders::settling() const {
  std::size_t count = 0;
  for (const auto& folder : m_folders) count += folder.settler->pending();
  return count;
}

}  // namespace daemon_core

#pragma once
// The set of watched folders, each with its own settings and Settler: local ones through one
// recursive inotify watcher, network and FUSE ones by polling scans (chosen per folder from
// its filesystem type, overridable). It turns what it sees into files that are ready to claim,
// each with the work area of its folder (on the same filesystem, so claiming is a rename).

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "daemon/error.h"
#include "daemon/inotify_watcher.h"
#include "daemon/settler.h"
#include "pipeline/clock.h"

namespace daemon_core {

struct ReadyFile {
  std::string path;
  std::string work_area;
};

class WatchedFolders {
 public:
  static Result<std::unique_ptr<WatchedFolders>> create(std::vector<FolderSettings> settings,
                                                        const pipeline::Clock& clock);

  // The inotify descriptor to poll (-1 when every folder is polled).
  int fd() const { return m_inotify ? m_inotify->fd() : -1; }
  void handle_events();
  // Scans polled folders when due, and every folder on its periodic rescan.
  void scan_due();
  void rescan_all(const char* why);
  std::vector<ReadyFile> take_ready();
  std::chrono::milliseconds next_check() const;
  std::size_t settling() const;
  std::size_t rescans() const { return m_rescans; }
  std::string describe() const;

 private:
  struct Folder {
    FolderSettings settings;
    bool polled = false;
    std::unique_ptr<Settler> settler;
    pipeline::Clock::time_point last_scan{};
  };

  WatchedFolders(std::vector<Folder> folders, std::vector<std::string> work_areas,
                 std::vector<std::string> destinations, std::unique_ptr<InotifyWatcher> inotify,
                 const pipeline::Clock& clock)
      : m_folders(std::move(folders)),
        m_work_areas(std::move(work_areas)),
        m_destinations(std::move(destinations)),
        m_inotify(std::move(inotify)),
        m_clock(clock) {}
  Folder* folder_of(const std::string& path);
  bool is_excluded(const std::string& folder) const;
  // Temp names of sync tools and siftd's own sidecar names; a sidecar is logged once.
  bool is_never_taken(const std::string& path, const Folder& folder);
  bool is_special_file(const std::string& path);
  void scan(Folder& folder, const std::string& root);

  std::vector<Folder> m_folders;
  std::vector<std::string> m_work_areas;    // never watched
  std::vector<std::string> m_destinations;  // never watched, wherever they really are
  std::unique_ptr<InotifyWatcher> m_inotify;
  const pipeline::Clock& m_clock;
  std::set<std::string> m_skipped;  // special files already logged once
  std::size_t m_rescans = 0;
};

}  // namespace daemon_core

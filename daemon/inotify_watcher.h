#pragma once
// Recursive inotify on a folder tree. It only turns kernel events into WatchEvents; deciding
// when a file is complete is the Settler's job. New subfolders are watched as they appear
// (the caller then scans them, since files can land before the watch exists). Symlinks are
// never followed.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "daemon/error.h"
#include "media/unique_fd.h"

namespace daemon_core {

struct WatchEvent {
  enum class Type {
    opened,        // someone opened the file
    closed_write,  // closed after writing
    closed_read,   // closed without writing
    changed,       // modified or attributes changed
    moved_in,      // renamed into a watched folder
    removed,       // deleted or renamed away
    folder_added,  // a new subfolder, now watched: scan it
    overflow,      // the kernel queue overflowed: rescan everything
  };
  Type type;
  std::string path;
};

class InotifyWatcher {
 public:
  using Skip = std::function<bool(const std::string& folder)>;

  static Result<InotifyWatcher> create(Skip skip);

  // Watches `root` and every folder below it (skipping those `skip` names).
  Result<void> watch_tree(const std::string& root);
  // Reads every queued event without blocking.
  std::vector<WatchEvent> drain();
  int fd() const { return m_fd.get(); }
  std::size_t watch_count() const { return m_folders.size(); }

 private:
  InotifyWatcher(media::UniqueFd fd, Skip skip) : m_fd(std::move(fd)), m_skip(std::move(skip)) {}
  Result<void> watch_folder(const std::string& folder);

  media::UniqueFd m_fd;
  Skip m_skip;
  std::map<int, std::string> m_folders;  // watch descriptor -> folder path
};

// Lists the regular files below `root` (not following symlinks, skipping folders `skip`
// names), and reports each non-regular entry through `skipped`.
void scan_tree(const std::string& root, const InotifyWatcher::Skip& skip,
               const std::function<void(const std::string& file)>& found,
               const std::function<void(const std::string& path, const char* why)>& skipped);

}  // namespace daemon_core

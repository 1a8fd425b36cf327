#pragma once
// Decides when a file in a watched folder is complete and may be taken.
//
// A file is ready when nobody holds it open for writing and its size, mtime and inode have
// stayed the same for `settle` since the last event about it; a file renamed into the folder
// (the way careful tools publish a finished file) is ready at once, after one stat check.
// mtime is compared only for change, never read as an arrival time.

#include <sys/types.h>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "pipeline/clock.h"

namespace daemon_core {

struct FileIdentity {
  off_t size = -1;
  long long mtime_ns = -1;
  ino_t inode = 0;
  bool operator==(const FileIdentity&) const = default;
};

class Settler {
 public:
  Settler(const pipeline::Clock& clock, std::chrono::milliseconds settle)
      : m_clock(clock), m_settle(settle) {}

  void opened_for_writing(const std::string& path);
  void closed_after_writing(const std::string& path);
  void changed(const std::string& path);  // modify, attrib, or seen by a scan
  void moved_in(const std::string& path);
  void removed(const std::string& path);  // deleted or moved away

  // Paths that are ready now; each is returned once and forgotten.
  std::vector<std::string> take_ready();
  // How long until the next path might be ready (for the poll timeout); max() when idle.
  std::chrono::milliseconds next_check() const;
  std::size_t pending() const { return m_files.size(); }
  bool is_pending(const std::string& path) const { return m_files.count(path) > 0; }

 private:
  struct Entry {
    FileIdentity identity;
    pipeline::Clock::time_point quiet_since;
    int writers = 0;
    bool renamed_in = false;
  };
  Entry& touch(const std::string& path);

  const pipeline::Clock& m_clock;
  std::chrono::milliseconds m_settle;
  std::map<std::string, Entry> m_files;
};

// lstat() of a regular file; nothing for anything else or a missing path.
bool stat_identity(const std::string& path, FileIdentity& identity);

}  // namespace daemon_core

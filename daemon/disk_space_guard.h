#pragma once
// Backpressure on disk space: when the work area or a destination has less free space than
// the configured minimum, intake pauses (files stay where they are, untouched) and resumes
// once there is room again.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/clock.h"

namespace daemon_core {

class DiskSpaceGuard {
 public:
  // Free bytes on the filesystem holding a path (injectable for tests).
  using FreeBytes = std::function<std::uint64_t(const std::string& path)>;

  DiskSpaceGuard(std::vector<std::string> folders, std::uint64_t min_free_bytes,
                 const pipeline::Clock& clock, FreeBytes free_bytes = {});

  // True while intake may go on. Checks at most once a second; logs each change.
  bool allows_intake();

 private:
  std::vector<std::string> m_folders;
  std::uint64_t m_min_free;
  const pipeline::Clock* m_clock;
  FreeBytes m_free_bytes;
  pipeline::Clock::time_point m_last_check{};
  bool m_allowed = true;
};

// statvfs() of the path, or of its nearest existing parent (destinations appear lazily).
std::uint64_t free_bytes_at(const std::string& path);

}  // namespace daemon_core

#include "daemon/disk_space_guard.h"

#include <filesystem>

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

namespace daemon_core {

std::uint64_t free_bytes_at(const std::string& path) {
  std::filesystem::path at = std::filesystem::absolute(path);
  for (;;) {
    struct statvfs info {};
    if (::statvfs(at.c_str(), &info) == 0) {
      return static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
    }
    if (!at.has_parent_path() || at.parent_path() == at)
      return UINT64_MAX;  // cannot tell: do not block
    at = at.parent_path();
  }
}

DiskSpaceGuard::DiskSpaceGuard(std::vector<std::string> folders, std::uint64_t min_free_bytes,
                               const pipeline::Clock& clock, FreeBytes free_bytes)
    : m_folders(std::move(folders)),
      m_min_free(min_free_bytes),
      m_clock(&clock),
      m_free_bytes(free_bytes ? std::move(free_bytes) : FreeBytes(free_bytes_at)) {}

bool DiskSpaceGuard::allows_intake() {
  if (m_min_free == 0) return true;
  const auto now = m_clock->now();
  if (m_last_check != pipeline::Clock::time_point{} && now - m_last_check < std::chrono::seconds(1))
    return m_allowed;
  m_last_check = now;
  for (const auto& folder : m_folders) {
    const std::uint64_t free = m_free_bytes(folder);
    if (free < m_min_free) {
      if (m_allowed) {
        spdlog::warn(
            "pausing intake: {} MiB free at {}, under daemon.min_free_mb ({} MiB); files wait in "
            "the inbox",
            free >> 20, folder, m_min_free >> 20);
      }
      m_allowed = false;
      return false;
    }
  }
  if (!m_allowed) spdlog::info("resuming intake: there is room again");
  m_allowed = true;
  return true;
}

}  // namespace daemon_core

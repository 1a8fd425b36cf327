#include "daemon/real_location.h"

#include <sys/stat.h>

#include <filesystem>

namespace daemon_core {

namespace fs = std::filesystem;

RealLocation RealLocation::of(const std::string& path) {
  RealLocation location;
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(path), error);
  if (error) absolute = fs::path(path);
  fs::path resolved = fs::weakly_canonical(absolute, error);
  if (error) resolved = absolute.lexically_normal();
  fs::path prefix;
  for (const auto& part : resolved) {
    if (part.empty()) continue;  // the empty name after a trailing slash
    prefix /= part;
    location.m_components.push_back(part.string());
    struct stat info {};
    if (::stat(prefix.c_str(), &info) == 0) {
      location.m_identities.push_back(Identity{info.st_dev, info.st_ino});
    } else {
      location.m_identities.push_back(std::nullopt);
    }
  }
  return location;
}

bool RealLocation::is_within(const RealLocation& folder) const {
  // The folder's deepest existing ancestor (its anchor) and the names below it.
  std::size_t anchor = folder.m_identities.size();
  while (anchor > 0 && !folder.m_identities[anchor - 1]) --anchor;
  if (anchor == 0) return false;  // not even "/" could be read
  const Identity& anchor_identity = *folder.m_identities[anchor - 1];
  const std::size_t tail = folder.m_components.size() - anchor;
  for (std::size_t i = 0; i < m_identities.size(); ++i) {
    if (!m_identities[i] || !(*m_identities[i] == anchor_identity)) continue;
    if (m_components.size() - (i + 1) < tail) continue;
    bool matches = true;
    for (std::size_t k = 0; k < tail && matches; ++k)
      matches = m_components[i + 1 + k] == folder.m_components[anchor + k];
    if (matches) return true;
  }
  return false;
}

}  // namespace daemon_core

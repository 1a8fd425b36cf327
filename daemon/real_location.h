#pragma once
// Where a folder really is, so that two spellings of one place compare equal: symlinks are
// resolved, and each existing ancestor is known by its device and inode (a bind mount or a
// second symlink still matches). Paths that do not exist yet resolve as far as they exist.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace daemon_core {

class RealLocation {
 public:
  static RealLocation of(const std::string& path);

  // True when this is `folder` itself or lies anywhere below it.
  bool is_within(const RealLocation& folder) const;

 private:
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const Identity&) const = default;
  };
  // The resolved path's components ("/" first) and, for each prefix ending at component i,
  // its identity when it exists.
  std::vector<std::string> m_components;
  std::vector<std::optional<Identity>> m_identities;
};

}  // namespace daemon_core

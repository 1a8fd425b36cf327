#pragma once
// Who may read what siftd places: the mode of placed files and their sidecars, the mode of the
// folders it creates, and a group for both (output.file_mode, output.dir_mode, output.group).
// Set explicitly, so a service's UMask=0077 does not make every sorted file private to siftd.

#include <optional>
#include <string>

#include <sys/types.h>

#include "pipeline/error.h"

namespace pipeline {

struct OutputAccess {
  std::optional<mode_t> file_mode;  // unset: as placed (the upload's mode, or 0644 & ~umask)
  std::optional<mode_t> dir_mode;   // unset: 0755 & ~umask
  std::optional<gid_t> group;       // unset: siftd's own group

  bool is_set() const { return file_mode || dir_mode || group; }
};

// Applies the group, then the mode (chown may clear set-id bits), to the entry `name` in the
// open folder `directory_fd`; `path` names it in errors. Neither follows a symlink.
Result<void> apply_file_access(const OutputAccess& access, int directory_fd,
                               const std::string& name, const std::string& path);
// The same for a folder siftd just created, by its open descriptor.
Result<void> apply_folder_access(const OutputAccess& access, int folder_fd,
                                 const std::string& path);

}  // namespace pipeline

#pragma once
// Opens a destination folder below a sink's root without ever leaving the root: each component
// is opened from its parent with O_NOFOLLOW (and created when asked), so a symlinked folder
// (`out/photo -> /elsewhere`) or a ".." is refused instead of followed. Placement then works
// on the open descriptor, so a folder swapped for a symlink afterwards changes nothing.

#include <string>

#include "media/unique_fd.h"
#include "pipeline/error.h"
#include "pipeline/route/output_access.h"

namespace pipeline {

// An open folder and its path (for messages and for the full paths of what goes into it).
struct OpenDirectory {
  media::UniqueFd fd;
  std::string path;
};

// Creates `path` and its missing parents (symlinks followed: for folders the operator named).
Result<void> make_directories(const std::string& path);

// Opens `path` as given (symlinks followed): for folders the operator named.
Result<OpenDirectory> open_directory(const std::string& path, bool create);

// Opens `directory`, which must be `root` or lie under it, one component at a time from `root`
// without following a symlink. `root` itself is opened as given. A symlinked component fails
// with ErrorCode::unsafe_path; a missing one is created when `create`, else fails with io.
// Each folder it creates (the root too, when it was missing) gets `created`'s group and mode.
Result<OpenDirectory> open_directory_beneath(const std::string& root, const std::string& directory,
                                             bool create, const OutputAccess& created = {});

// Whether `path` is `root` or lies under it, by their text (both absolute and normalized).
bool is_beneath(const std::string& path, const std::string& root);

}  // namespace pipeline

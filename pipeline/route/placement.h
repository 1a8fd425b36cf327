#pragma once
// Puts a file in a folder exactly once and never over anything: rename with
// RENAME_NOREPLACE on one filesystem, or copy + fsync + verify + link + unlink across
// filesystems. A taken name becomes "name (1).ext", "name (2).ext", ...

#include <string>

#include "pipeline/error.h"

namespace pipeline {

// Moves `from` into `directory` (created if missing) under `name` or the first free variant.
// `sha256` is the content hash the copy is verified against when a copy is needed.
// Returns the final path.
Result<std::string> place_file(const std::string& from, const std::string& directory,
                               const std::string& name, const std::string& sha256);

// The first of "name", "name (1)", ... that does not exist in `directory`.
Result<std::string> first_free_path(const std::string& directory, const std::string& name);

// Moves `from` to exactly `target`; fails with ErrorCode::exists when it is taken.
Result<void> place_file_at(const std::string& from, const std::string& target,
                           const std::string& sha256);

// Writes `content` to `path` through a temp file, fsync and rename; fails with `exists` when
// the path is taken and `replace` is false.
Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               bool replace = false);

// "a.jpg", 2 -> "a (2).jpg"; ".hidden" -> ".hidden (2)"; "archive.tar.gz" -> "archive.tar (2).gz"
std::string numbered_name(const std::string& name, int number);

Result<void> make_directories(const std::string& path);
Result<void> fsync_directory(const std::string& path);

}  // namespace pipeline

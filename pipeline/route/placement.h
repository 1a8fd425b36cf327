#pragma once
// Puts a file in a folder exactly once and never over anything: rename with
// RENAME_NOREPLACE on one filesystem, or copy + fsync + verify + link + unlink across
// filesystems. A taken name becomes "name (1).ext", "name (2).ext", ...

#include <cstddef>
#include <string>

#include "pipeline/error.h"
#include "pipeline/route/directory_beneath.h"

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
// The same into an open folder: nothing is resolved by path below it.
Result<void> place_file_in(const std::string& from, const OpenDirectory& directory,
                           const std::string& name, const std::string& sha256);

// Writes `content` to `path` through a temp file, fsync and rename; fails with `exists` when
// the path is taken and `replace` is false.
Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               bool replace = false);
Result<void> write_file_in(const OpenDirectory& directory, const std::string& name,
                           const std::string& content, bool replace = false);

// "a.jpg", 2 -> "a (2).jpg"; ".hidden" -> ".hidden (2)"; "archive.tar.gz" -> "archive.tar (2).gz"
std::string numbered_name(const std::string& name, int number);

// The longest name a directory entry may have (NAME_MAX on Linux).
constexpr std::size_t k_name_max = 255;

// `name` cut to at most `max_bytes`: the extension (when short) is kept, the stem shortened,
// and a UTF-8 character is never split.
std::string fit_name(const std::string& name, std::size_t max_bytes);

// numbered_name(name, number), shortened so that it plus `reserve` more bytes (a sidecar's
// suffix) still fits in k_name_max.
std::string fitting_numbered_name(const std::string& name, int number, std::size_t reserve = 0);

Result<void> fsync_directory(const std::string& path);

}  // namespace pipeline

#pragma once
// Replaces a small file's whole content at once: written beside it under a temporary name,
// flushed and closed, then renamed over it, so a reader sees the old text or the new, never a
// part. Not fsynced: these are reports and state a restart rewrites.

#include <string>

namespace daemon_core {

// False when the text could not be written or put in place (the old file, if any, stays).
bool replace_file(const std::string& path, const std::string& text);

}  // namespace daemon_core

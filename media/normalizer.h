#pragma once
// The entry point of media/: probe a file by content and normalize it by kind, within limits.
// This runs in-process; worker_pool.h runs the same call in isolated processes.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_file(const std::string& path, const Limits& limits);

}  // namespace media

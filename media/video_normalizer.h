#pragma once
// Normalizes video files within the limits. FIXME: being written (media issue).

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_video(const std::string& path, const Limits& limits);

}  // namespace media

#pragma once
// Normalizes audio files within the limits. FIXME: being written (media issue).

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_audio(const std::string& path, const Limits& limits);

}  // namespace media

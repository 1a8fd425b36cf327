#pragma once
// Normalizes video files within the limits: facts from the container, up to
// limits.video_frames frames read by seeking (never decoding the whole stream), near-duplicates
// dropped, the rest tiled with timestamps into one contact sheet, plus an optional audio excerpt.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_video(const std::string& path, const Limits& limits);

}  // namespace media

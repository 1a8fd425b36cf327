#pragma once
// Normalizes audio files within the limits: decoded, downmixed to mono, resampled to 16 kHz,
// leading and trailing silence trimmed, capped to limits.audio_max_s, encoded as WAV or MP3.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

Result<Normalized> normalize_audio(const std::string& path, const Limits& limits);

}  // namespace media

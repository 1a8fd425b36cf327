#pragma once
// Animated images (WebP, GIF, APNG): every frame is decoded in order and composited the way a
// viewer shows it, and a few frames spread evenly over one loop are kept for a contact sheet,
// as for a video. Private to media/.

#include <cstdint>
#include <string>
#include <vector>

#include "media/contact_sheet.h"
#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

// What one loop of an animation holds, and the frames kept from it (BGR, canvas-sized).
struct Animation {
  int width = 0;  // the canvas
  int height = 0;
  int frame_count = 0;
  std::int64_t duration_ms = 0;
  bool has_alpha = false;
  std::vector<SampledFrame> kept;
};

// True when the bytes hold more than one frame by their own header: a VP8X WebP with the
// animation flag, or a PNG whose acTL chunk comes before its image data. GIF needs a decode
// pass to count its frames, so every GIF goes through sample_animation.
bool is_animated(const std::string& bytes, const std::string& format);

// Which frames to keep: for each of `count` points spread over [0, total_ms), the frame shown
// there, given each frame's start time (ascending). With no timing (all zero) frames are
// spread by index instead. Each index appears once.
std::vector<std::size_t> frames_to_keep(const std::vector<std::int64_t>& starts_ms,
                                        std::int64_t total_ms, int count);

// Decodes through libwebp's demux API (WebP) or FFmpeg (GIF, APNG).
Result<Animation> sample_animation(const std::string& bytes, const std::string& format,
                                   const Limits& limits);

// The normalized value: one contact sheet (or the frame itself when there is only one), with
// the facts `frames` and `duration_ms`.
Result<Normalized> normalize_animation(const std::string& bytes, const std::string& format,
                                       const Limits& limits);

}  // namespace media

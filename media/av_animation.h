#pragma once
// Animated GIF and APNG through FFmpeg's demuxers and decoders, which composite each frame onto
// the canvas (GIF disposal, APNG blending). A GIF of one frame comes back as one frame.
// Private to media/.

#include <string>

#include "media/animation.h"

namespace media {

Result<Animation> sample_av_animation(const std::string& bytes, const std::string& format,
                                      const Limits& limits);

}  // namespace media

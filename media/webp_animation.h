#pragma once
// Animated WebP through libwebp's demux API: WebPAnimDecoder composites each frame onto the
// canvas (blending and disposal as the format defines them). Private to media/.

#include <string>

#include "media/animation.h"

namespace media {

Result<Animation> sample_webp_animation(const std::string& bytes, const Limits& limits);

}  // namespace media

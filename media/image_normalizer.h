#pragma once
// Turns a still image into one compact JPEG that fits the token budget: reduced-size decode
// where the codec allows it, EXIF orientation applied, alpha flattened onto white, bit depth
// and colour model brought to 8-bit gray or BGR.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

// `bytes` is the whole file; `format` is the probe's short name.
Result<Normalized> normalize_image(const std::string& bytes, const std::string& format,
                                   const Limits& limits);

}  // namespace media

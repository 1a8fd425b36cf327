#pragma once
// Decodes HEIF/HEIC and AVIF stills through libheif: the primary image with its irot, imir and
// clap applied (libheif's default), grids assembled, or the embedded thumbnail when that
// already covers the target size. Sizes are checked from the header before any pixel is
// decoded. Private to media/.

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "media/error.h"

namespace media {

struct HeifStill {
  cv::Mat image;  // 8-bit BGR, or BGRA when the picture has alpha
  int width = 0;  // of the primary image as shown (after rotation and cropping)
  int height = 0;
  bool has_alpha = false;
  bool from_thumbnail = false;  // the embedded thumbnail was enough for `target_side`
};

// `target_side` is the longest side the caller will shrink to; a thumbnail is used only when
// its longest side reaches it and its shape matches the primary image.
Result<HeifStill> decode_heif(const std::string& bytes, int target_side, std::uint64_t max_pixels);

}  // namespace media

#pragma once
// Camera RAW files (DNG, CR2/CR3, NEF, ARW, RAF, ORF, RW2) through libraw: the embedded JPEG
// preview when it covers the target size (no demosaicing at all), else a half-size decode; and
// the camera and capture time for the facts. Private to media/.

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "media/error.h"

namespace media {

struct RawPicture {
  cv::Mat image;  // 8-bit BGR, upright
  int width = 0;  // of the sensor image as shown (after the camera's rotation)
  int height = 0;
  bool dng = false;
  bool from_preview = false;
  std::string camera_make;
  std::string camera_model;
  std::string capture_time;  // "2024-05-17T14:03:21", the camera's clock (no time zone)
};

Result<RawPicture> decode_raw(const std::string& bytes, int target_side, std::uint64_t max_pixels,
                              int timeout_ms);

// Whether the first bytes are a RAW container libmagic does not name: Panasonic RW2
// ("IIU\0"), Olympus ORF variants, Canon CR3 (ISO BMFF brand "crx ").
bool has_raw_signature(std::string_view head);

}  // namespace media

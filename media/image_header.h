#pragma once
// Reads the dimensions (and JPEG's EXIF orientation) from an image header without decoding
// it, so that a decompression bomb is refused before a single pixel is allocated.

#include <optional>
#include <string>
#include <string_view>

namespace media {

struct ImageHeader {
  std::string format;  // "jpeg", "png", "gif", "bmp", "webp", "tiff"
  long long width = 0;
  long long height = 0;
  int orientation = 1;  // EXIF orientation 1..8; 1 when absent
  // A TIFF shaped like a camera's RAW file (DNG, NEF, ARW, PEF, ...): DNG tags, or a maker
  // named beside sub-IFDs under a reduced-size IFD0. Such a file goes to libraw.
  bool camera_raw = false;
};

// Returns nothing when the format is not one it knows or the header is cut short.
std::optional<ImageHeader> read_image_header(std::string_view bytes);

// The EXIF orientation in a TIFF-structured EXIF block (after the "Exif\0\0" marker).
int exif_orientation(std::string_view tiff);

}  // namespace media

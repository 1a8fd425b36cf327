// The image header reader, which refuses decompression bombs before any pixel is decoded:
// any input yields nothing or non-negative dimensions with an EXIF orientation in 1..8.

#include "media/image_header.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  if (const auto header = media::read_image_header(bytes)) {
    fuzz::check(!header->format.empty(), "a header names its format");
    fuzz::check(header->width >= 0 && header->height >= 0, "dimensions are not negative");
    fuzz::check(header->orientation >= 1 && header->orientation <= 8, "orientation is 1..8");
  }
  const int orientation = media::exif_orientation(bytes);
  fuzz::check(orientation >= 1 && orientation <= 8, "exif_orientation is 1..8");
  return 0;
}

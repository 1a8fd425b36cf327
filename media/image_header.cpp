#include "media/image_header.h"

#include <cstdint>
#include <cstdlib>

namespace media {
namespace {

std::uint32_t be16(std::string_view b, std::size_t at) {
  return (static_cast<std::uint8_t>(b[at]) << 8) | static_cast<std::uint8_t>(b[at + 1]);
}
std::uint32_t be32(std::string_view b, std::size_t at) {
  return (be16(b, at) << 16) | be16(b, at + 2);
}
std::uint32_t le16(std::string_view b, std::size_t at) {
  return static_cast<std::uint8_t>(b[at]) | (static_cast<std::uint8_t>(b[at + 1]) << 8);
}
std::uint32_t le32(std::string_view b, std::size_t at) {
  return le16(b, at) | (le16(b, at + 2) << 16);
}
std::uint32_t le24(std::string_view b, std::size_t at) {
  return le16(b, at) | (static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 2])) << 16);
}

std::optional<ImageHeader> png_header(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  return ImageHeader{"png", be32(b, 16), be32(b, 20), 1};
}

bool is_start_of_frame(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageHeader> jpeg_header(std::string_view b) {
  ImageHeader header{"jpeg", 0, 0, 1};
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (static_cast<std::uint8_t>(b[at]) != 0xFF) return std::nullopt;
    const auto marker = static_cast<std::uint8_t>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
      at += 2;
      continue;
    }
    const std::size_t length = be16(b, at + 2);
    if (length < 2) return std::nullopt;
    const std::size_t body = at + 4;
    if (marker == 0xE1 && body + 6 <= b.size() &&
        b.substr(body, 6) == std::string_view("Exif\0\0", 6)) {
      const std::size_t end = std::min(b.size(), at + 2 + length);
      if (end > body + 6) header.orientation = exif_orientation(b.substr(body + 6, end - body - 6));
    }
    if (is_start_of_frame(marker)) {
      if (body + 5 > b.size()) return std::nullopt;
      header.height = be16(b, body + 1);
      header.width = be16(b, body + 3);
      return header;
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan before any frame header
    at += 2 + length;
  }
  return std::nullopt;
}

std::optional<ImageHeader> gif_header(std::string_view b) {
  if (b.size() < 10) return std::nullopt;
  return ImageHeader{"gif", le16(b, 6), le16(b, 8), 1};
}

std::optional<ImageHeader> bmp_header(std::string_view b) {
  if (b.size() < 26) return std::nullopt;
  const std::uint32_t info_size = le32(b, 14);
  if (info_size == 12) return ImageHeader{"bmp", le16(b, 18), le16(b, 20), 1};
  const auto width = static_cast<std::int32_t>(le32(b, 18));
  const auto height = static_cast<std::int32_t>(le32(b, 22));
  return ImageHeader{"bmp", std::llabs(width), std::llabs(height), 1};
}

std::optional<ImageHeader> webp_header(std::string_view b) {
  if (b.size() < 30) return std::nullopt;
  const std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8 ") return ImageHeader{"webp", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, 1};
  if (chunk == "VP8L") {
    const std::uint32_t bits = le32(b, 21);
    return ImageHeader{"webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 1};
  }
  if (chunk == "VP8X") return ImageHeader{"webp", le24(b, 24) + 1, le24(b, 27) + 1, 1};
  return std::nullopt;
}

// Walks the first IFD of a TIFF block for the width (256), length (257) and orientation (274).
struct TiffTags {
  long long width = 0;
  long long height = 0;
  int orientation = 1;
  bool dng = false;       // DNGVersion (50706)
  bool maker = false;     // Make (271)
  bool sub_ifds = false;  // SubIFDs (330)
  bool reduced = false;   // NewSubFileType (254) says IFD0 is a preview
};

std::optional<TiffTags> tiff_tags(std::string_view b) {
  if (b.size() < 8) return std::nullopt;
  const bool little = b.substr(0, 2) == "II";
  if (!little && b.substr(0, 2) != "MM") return std::nullopt;
  auto u16 = [&](std::size_t at) { return little ? le16(b, at) : be16(b, at); };
  auto u32 = [&](std::size_t at) { return little ? le32(b, at) : be32(b, at); };
  if (u16(2) != 42) return std::nullopt;
  const std::size_t ifd = u32(4);
  if (ifd + 2 > b.size()) return std::nullopt;
  const std::uint32_t count = u16(ifd);
  TiffTags tags;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t entry = ifd + 2 + 12 * static_cast<std::size_t>(i);
    if (entry + 12 > b.size()) break;
    const std::uint32_t tag = u16(entry);
    const std::uint32_t type = u16(entry + 2);
    const std::uint32_t value = type == 3 ? u16(entry + 8) : u32(entry + 8);
    if (tag == 50706) tags.dng = true;
    if (tag == 271) tags.maker = true;
    if (tag == 330) tags.sub_ifds = true;
    if (tag == 254 && (value & 1) != 0) tags.reduced = true;
    if (tag == 256) tags.width = value;
    if (tag == 257) tags.height = value;
    // Only 1..8 mean anything; the decoder would act on any other value (sides swapped
    // for 5 and up), so it is read as "no orientation".
    if (tag == 274 && value >= 1 && value <= 8) tags.orientation = static_cast<int>(value);
  }
  return tags;
}

}  // namespace

int exif_orientation(std::string_view tiff) {
  const auto tags = tiff_tags(tiff);
  return tags ? tags->orientation : 1;
}

std::optional<ImageHeader> read_image_header(std::string_view b) {
  if (b.size() >= 8 && b.substr(0, 8) == "\x89PNG\r\n\x1a\n") return png_header(b);
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return jpeg_header(b);
  if (b.size() >= 6 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a"))
    return gif_header(b);
  if (b.size() >= 2 && b.substr(0, 2) == "BM") return bmp_header(b);
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return webp_header(b);
  if (b.size() >= 4 && (b.substr(0, 4) == std::string_view("II*\0", 4) ||
                        b.substr(0, 4) == std::string_view("MM\0*", 4))) {
    const auto tags = tiff_tags(b);
    if (!tags) return std::nullopt;
    const bool camera_raw = tags->dng || (tags->maker && tags->sub_ifds && tags->reduced);
    return ImageHeader{"tiff", tags->width, tags->height, tags->orientation, camera_raw};
  }
  return std::nullopt;
}

}  // namespace media

// Writes the camera RAW fixtures of fixtures/media/: small DNGs (TIFF with DNG tags) shaped
// like a camera's, for the libraw decoder. Debian ships no RAW sample, and DNG is the one RAW
// format a few lines can write: camera.dng has a JPEG preview in IFD0 and the CFA data in a
// sub-IFD; camera_raw_only.dng has the CFA data alone, so it needs a demosaicing decode.
// Deterministic. Usage: make_dng_fixtures <fixtures/media folder>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

constexpr std::uint16_t k_byte = 1;
constexpr std::uint16_t k_ascii = 2;
constexpr std::uint16_t k_short = 3;
constexpr std::uint16_t k_long = 4;
constexpr std::uint16_t k_rational = 5;
constexpr std::uint16_t k_srational = 10;

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint32_t count;
  std::vector<std::uint8_t> data;  // little-endian value bytes
};

void put16(std::vector<std::uint8_t>& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
  out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, value & 0xFFFF);
  put16(out, value >> 16);
}

Entry shorts(std::uint16_t tag, std::vector<std::uint32_t> values) {
  Entry entry{tag, k_short, static_cast<std::uint32_t>(values.size()), {}};
  for (auto value : values) put16(entry.data, value);
  return entry;
}
Entry longs(std::uint16_t tag, std::vector<std::uint32_t> values) {
  Entry entry{tag, k_long, static_cast<std::uint32_t>(values.size()), {}};
  for (auto value : values) put32(entry.data, value);
  return entry;
}
Entry bytes(std::uint16_t tag, std::vector<std::uint8_t> values) {
  return Entry{tag, k_byte, static_cast<std::uint32_t>(values.size()), values};
}
Entry text(std::uint16_t tag, const std::string& value) {
  Entry entry{tag, k_ascii, static_cast<std::uint32_t>(value.size() + 1), {}};
  entry.data.assign(value.begin(), value.end());
  entry.data.push_back(0);
  return entry;
}
Entry rationals(std::uint16_t tag, std::uint16_t type, std::vector<std::int32_t> pairs) {
  Entry entry{tag, type, static_cast<std::uint32_t>(pairs.size() / 2), {}};
  for (auto value : pairs) put32(entry.data, static_cast<std::uint32_t>(value));
  return entry;
}

// A TIFF file laid out as: header, IFDs (each followed by its out-of-line values), then the
// image data blocks. Offsets are patched once every size is known.
class TiffWriter {
 public:
  // Adds a block of data; returns its index for block_offset().
  std::size_t add_block(std::vector<std::uint8_t> block) {
    m_blocks.push_back(std::move(block));
    return m_blocks.size() - 1;
  }
  void add_ifd(std::vector<Entry> entries) { m_ifds.push_back(std::move(entries)); }

  // Layout pass: IFD i starts at ifd_offset(i), blocks follow the last IFD.
  std::uint32_t ifd_offset(std::size_t index) const {
    std::uint32_t at = 8;
    for (std::size_t i = 0; i < index; ++i) at += ifd_size(m_ifds[i]);
    return at;
  }
  std::uint32_t block_offset(std::size_t index) const {
    std::uint32_t at = ifd_offset(m_ifds.size());
    for (std::size_t i = 0; i < index; ++i) at += static_cast<std::uint32_t>(m_blocks[i].size());
    return at;
  }

  std::vector<std::uint8_t> write() const {
    std::vector<std::uint8_t> out{'I', 'I'};
    put16(out, 42);
    put32(out, ifd_offset(0));
    for (std::size_t i = 0; i < m_ifds.size(); ++i) write_ifd(out, m_ifds[i], ifd_offset(i));
    for (const auto& block : m_blocks) out.insert(out.end(), block.begin(), block.end());
    return out;
  }

 private:
  static std::uint32_t ifd_size(const std::vector<Entry>& entries) {
    std::uint32_t size = 2 + 12 * static_cast<std::uint32_t>(entries.size()) + 4;
    for (const auto& entry : entries) {
      if (entry.data.size() > 4) size += static_cast<std::uint32_t>((entry.data.size() + 1) & ~1u);
    }
    return size;
  }
  static void write_ifd(std::vector<std::uint8_t>& out, const std::vector<Entry>& entries,
                        std::uint32_t at) {
    std::uint32_t extra = at + 2 + 12 * static_cast<std::uint32_t>(entries.size()) + 4;
    std::vector<std::uint8_t> values;
    put16(out, static_cast<std::uint32_t>(entries.size()));
    for (const auto& entry : entries) {
      put16(out, entry.tag);
      put16(out, entry.type);
      put32(out, entry.count);
      if (entry.data.size() <= 4) {
        std::vector<std::uint8_t> inline_value = entry.data;
        inline_value.resize(4, 0);
        out.insert(out.end(), inline_value.begin(), inline_value.end());
      } else {
        put32(out, extra + static_cast<std::uint32_t>(values.size()));
        values.insert(values.end(), entry.data.begin(), entry.data.end());
        if (values.size() & 1) values.push_back(0);
      }
    }
    put32(out, 0);  // no next IFD: sub-IFDs are reached through tag 330
    out.insert(out.end(), values.begin(), values.end());
  }

  std::vector<std::vector<Entry>> m_ifds;
  std::vector<std::vector<std::uint8_t>> m_blocks;
};

// An RGGB Bayer mosaic of a scene: a warm gradient with a dark square, 12-bit values.
std::vector<std::uint8_t> cfa_data(int width, int height) {
  std::vector<std::uint8_t> out;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool square =
          x > width / 3 && x < width * 2 / 3 && y > height / 3 && y < height * 2 / 3;
      const int red = square ? 200 : 600 + 3000 * x / width;
      const int green = square ? 200 : 1500;
      const int blue = square ? 200 : 600 + 3000 * y / height;
      const bool even_row = y % 2 == 0;
      const bool even_column = x % 2 == 0;
      const int value = even_row ? (even_column ? red : green) : (even_column ? green : blue);
      put16(out, static_cast<std::uint32_t>(value));
    }
  }
  return out;
}

std::vector<std::uint8_t> preview_jpeg(int width, int height) {
  cv::Mat scene(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      scene.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(40 + 180 * y / height), 110,
                                            static_cast<std::uint8_t>(40 + 180 * x / width));
    }
  }
  cv::rectangle(scene, cv::Rect(width / 3, height / 3, width / 3, height / 3),
                cv::Scalar(20, 20, 20), cv::FILLED);
  std::vector<std::uint8_t> jpeg;
  cv::imencode(".jpg", scene, jpeg, {cv::IMWRITE_JPEG_QUALITY, 70});
  return jpeg;
}

// Tags every DNG of a camera carries in IFD0: who made it, when, and how its colours map.
std::vector<Entry> camera_tags() {
  return {text(271, "Siftd"),
          text(272, "Test Camera DNG"),
          text(306, "2024:05:17 14:03:21"),
          bytes(50706, {1, 4, 0, 0}),
          bytes(50707, {1, 1, 0, 0}),
          text(50708, "Siftd Test Camera DNG"),
          rationals(50721, k_srational,
                    {10000, 10000, 0, 10000, 0, 10000, 0, 10000, 10000, 10000, 0, 10000, 0, 10000,
                     0, 10000, 10000, 10000}),
          rationals(50728, k_rational, {1, 1, 1, 1, 1, 1}),
          shorts(50778, {21})};
}

std::vector<Entry> raw_tags(std::uint32_t subfile, int width, int height, std::uint32_t offset) {
  return {longs(254, {subfile}),
          longs(256, {static_cast<std::uint32_t>(width)}),
          longs(257, {static_cast<std::uint32_t>(height)}),
          shorts(258, {16}),
          shorts(259, {1}),
          shorts(262, {32803}),
          longs(273, {offset}),
          shorts(277, {1}),
          longs(278, {static_cast<std::uint32_t>(height)}),
          longs(279, {static_cast<std::uint32_t>(width * height * 2)}),
          shorts(33421, {2, 2}),
          bytes(33422, {0, 1, 1, 2}),
          longs(50714, {0}),
          longs(50717, {4095})};
}

std::vector<Entry> sorted(std::vector<Entry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
  return entries;
}

struct Offsets {
  std::uint32_t sub_ifd = 0;
  std::uint32_t preview = 0;
  std::uint32_t raw = 0;
};

// Lays the file out twice: the first pass, with zero offsets, fixes every size, and so where
// each IFD and block lands; the second writes those offsets in.
std::vector<std::uint8_t> lay_out(const std::function<void(TiffWriter&, const Offsets&)>& build) {
  TiffWriter sizing;
  build(sizing, Offsets{});
  Offsets offsets;
  offsets.sub_ifd = sizing.ifd_offset(1);
  offsets.preview = sizing.block_offset(0);
  offsets.raw = sizing.block_offset(1);
  TiffWriter final_layout;
  build(final_layout, offsets);
  return final_layout.write();
}

// IFD0: a 512x384 JPEG preview and the camera tags; sub-IFD: 160x120 CFA data.
std::vector<std::uint8_t> dng_with_preview() {
  const int preview_width = 512;
  const int preview_height = 384;
  const int raw_width = 160;
  const int raw_height = 120;
  const auto jpeg = preview_jpeg(preview_width, preview_height);
  const auto cfa = cfa_data(raw_width, raw_height);
  return lay_out([&](TiffWriter& tiff, const Offsets& at) {
    auto ifd0 = camera_tags();
    for (auto entry :
         {longs(254, {1}), longs(256, {preview_width}), longs(257, {preview_height}),
          shorts(258, {8, 8, 8}), shorts(259, {7}), shorts(262, {6}), longs(273, {at.preview}),
          shorts(274, {1}), shorts(277, {3}), longs(278, {preview_height}),
          longs(279, {static_cast<std::uint32_t>(jpeg.size())}), longs(330, {at.sub_ifd})}) {
      ifd0.push_back(entry);
    }
    tiff.add_ifd(sorted(ifd0));
    tiff.add_ifd(sorted(raw_tags(0, raw_width, raw_height, at.raw)));
    tiff.add_block(jpeg);
    tiff.add_block(cfa);
  });
}

// IFD0 holds the 128x96 CFA data itself and no preview: a decoder has to demosaic.
std::vector<std::uint8_t> dng_raw_only() {
  const int raw_width = 128;
  const int raw_height = 96;
  const auto cfa = cfa_data(raw_width, raw_height);
  return lay_out([&](TiffWriter& tiff, const Offsets& at) {
    auto ifd0 = camera_tags();
    for (auto entry : raw_tags(0, raw_width, raw_height, at.preview)) ifd0.push_back(entry);
    tiff.add_ifd(sorted(ifd0));
    tiff.add_block(cfa);
  });
}

bool save(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_dng_fixtures <folder>\n");
    return 2;
  }
  const std::string folder = argv[1];
  if (!save(folder + "/camera.dng", dng_with_preview())) return 1;
  if (!save(folder + "/camera_raw_only.dng", dng_raw_only())) return 1;
  return 0;
}

#pragma once
// Hostile inputs built in memory, deterministic: PNGs whose header or compressed data lie about
// their size (decompression bombs), PDFs nested deeper than any parser should recurse, and
// plain noise. Each is small on disk; the harm is in what a decoder makes of it.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

namespace siftd_test {

inline std::string big_endian32(std::uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (24 - 8 * i)) & 0xFF);
  return out;
}

inline std::string png_chunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  const auto crc =
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return big_endian32(static_cast<std::uint32_t>(data.size())) + body +
         big_endian32(static_cast<std::uint32_t>(crc));
}

// zlib data that inflates to `size` zero bytes, compressed as far as deflate goes (~1000:1).
inline std::string deflated_zeros(std::uint64_t size) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 9, Z_RLE);
  const std::vector<Bytef> zeros(1 << 20, 0);
  std::vector<Bytef> buffer(1 << 16);
  std::string out;
  std::uint64_t left = size;
  int flush = Z_NO_FLUSH;
  do {
    const auto piece = static_cast<uInt>(std::min<std::uint64_t>(left, zeros.size()));
    stream.next_in = const_cast<Bytef*>(zeros.data());
    stream.avail_in = piece;
    left -= piece;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      stream.next_out = buffer.data();
      stream.avail_out = static_cast<uInt>(buffer.size());
      deflate(&stream, flush);
      out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out);
    } while (stream.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&stream);
  return out;
}

// A whole PNG (signature, IHDR, one IDAT, IEND) with the given header and compressed data.
inline std::string png_file(std::uint32_t width, std::uint32_t height, int bit_depth,
                            int color_type, const std::string& zlib_data) {
  std::string header = big_endian32(width) + big_endian32(height);
  header += static_cast<char>(bit_depth);
  header += static_cast<char>(color_type);
  header += std::string(3, '\0');  // deflate, adaptive filtering, no interlace
  return std::string("\x89PNG\r\n\x1A\n", 8) + png_chunk("IHDR", header) +
         png_chunk("IDAT", zlib_data) + png_chunk("IEND", "");
}

// A header claiming 100000 x 100000 pixels over a few bytes of data.
inline std::string png_huge_dimensions() {
  return png_file(100'000, 100'000, 8, 2, deflated_zeros(1024));
}

// 10000 x 10000 RGBA at 16 bits (within the pixel limit) whose 800 MB of zeros compress to
// under a megabyte: the decoder's allocation, not the header, is what must be stopped.
inline std::string png_zero_bomb() {
  const std::uint32_t side = 10'000;
  const std::uint64_t row = 1 + std::uint64_t{side} * 8;  // filter byte + 4 channels x 2 bytes
  return png_file(side, side, 16, 6, deflated_zeros(row * side));
}

// `jpeg` (a baseline JPEG) with its frame header rewritten to claim width x height pixels.
inline std::string jpeg_with_dimensions(std::string jpeg, std::uint16_t width,
                                        std::uint16_t height) {
  const auto frame = jpeg.find("\xFF\xC0");
  if (frame == std::string::npos || frame + 9 > jpeg.size()) return jpeg;
  jpeg[frame + 5] = static_cast<char>(height >> 8);
  jpeg[frame + 6] = static_cast<char>(height & 0xFF);
  jpeg[frame + 7] = static_cast<char>(width >> 8);
  jpeg[frame + 8] = static_cast<char>(width & 0xFF);
  return jpeg;
}

// A PDF of the given objects (numbered from 1, object 1 the catalog) with a correct xref table.
inline std::string pdf_file(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const std::size_t offset : offsets) {
    const std::string number = std::to_string(offset);
    out += std::string(10 - number.size(), '0') + number + " 00000 n \n";
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

inline std::string pdf_stream(const std::string& content) {
  return "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream";
}

// One page whose annotation array nests `depth` arrays deep.
inline std::string pdf_nested_arrays(int depth) {
  return pdf_file({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
                   "/Annots 5 0 R >>",
                   pdf_stream("0 0 m 100 100 l S"),
                   std::string(static_cast<std::size_t>(depth), '[') +
                       std::string(static_cast<std::size_t>(depth), ']')});
}

// A page tree `depth` levels deep: each /Pages node has one kid, the next node.
inline std::string pdf_deep_page_tree(int depth) {
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>"};
  for (int level = 0; level < depth; ++level) {
    const int self = level + 2;
    objects.push_back("<< /Type /Pages /Kids [" + std::to_string(self + 1) + " 0 R] /Count 1" +
                      (level > 0 ? " /Parent " + std::to_string(self - 1) + " 0 R" : "") + " >>");
  }
  const int page = depth + 2;
  objects.push_back("<< /Type /Page /Parent " + std::to_string(page - 1) +
                    " 0 R /MediaBox [0 0 200 200] /Contents " + std::to_string(page + 1) +
                    " 0 R >>");
  objects.push_back(pdf_stream("0 0 m 100 100 l S"));
  return pdf_file(objects);
}

inline std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (auto& byte : out) byte = static_cast<char>(generator() & 0xFF);
  return out;
}

}  // namespace siftd_test

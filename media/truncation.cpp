#include "media/truncation.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "media/unique_fd.h"

namespace media {
namespace {

constexpr std::size_t k_window = std::size_t{64} * 1024;
// Walks stop (undecided) after this many chunks or boxes: a file of millions of empty boxes
// is the decoder's problem, not a sign of a cut.
constexpr int k_max_steps = 100'000;
// A PDF's closing section is searched for in at most this much of its tail.
constexpr std::uint64_t k_pdf_tail = 256ull << 20;

// Bytes by offset, from memory or from a file read through one cached window.
class Source {
 public:
  explicit Source(std::string_view bytes) : m_bytes(bytes), m_size(bytes.size()) {}
  Source(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}

  std::uint64_t size() const { return m_size; }

  // Up to `count` bytes at `at` (fewer at the end), valid until the next call.
  Result<std::string_view> view(std::uint64_t at, std::size_t count) {
    if (at >= m_size) return std::string_view();
    count = static_cast<std::size_t>(std::min<std::uint64_t>(count, m_size - at));
    if (m_fd < 0) return m_bytes.substr(static_cast<std::size_t>(at), count);
    if (at < m_window_at || at + count > m_window_at + m_window.size()) {
      if (auto filled = fill(at, std::max(count, k_window)); !filled) {
        return tl::unexpected(filled.error());
      }
    }
    return std::string_view(m_window).substr(static_cast<std::size_t>(at - m_window_at), count);
  }

 private:
  Result<void> fill(std::uint64_t at, std::size_t count) {
    m_window.resize(count);
    std::size_t got = 0;
    while (got < count) {
      const ssize_t n =
          ::pread(m_fd, m_window.data() + got, count - got, static_cast<off_t>(at + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(ErrorCode::io, std::string("read: ") + std::strerror(errno));
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    m_window.resize(got);
    m_window_at = at;
    return {};
  }

  std::string_view m_bytes;
  int m_fd = -1;
  std::uint64_t m_size = 0;
  std::string m_window;
  std::uint64_t m_window_at = 0;
};

std::uint32_t big_endian32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

std::uint32_t little_endian32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

constexpr std::string_view k_letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view k_name_characters =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ";

// PNG chunk, RIFF chunk and ISO box names are four letters (or digits, and spaces after the
// first, as in "fmt "); anything else where a name belongs means the walk is reading damaged
// or foreign bytes.
bool is_chunk_name(std::string_view name, std::string_view allowed) {
  return name.size() == 4 && name[0] != ' ' &&
         name.find_first_not_of(allowed) == std::string_view::npos;
}

tl::unexpected<Error> cut(std::string detail) {
  return fail(ErrorCode::truncated, std::move(detail));
}

std::string short_by(std::string_view what, std::uint64_t claimed, std::uint64_t present) {
  return std::string(what) + " claims " + std::to_string(claimed) + " bytes, only " +
         std::to_string(present) + " are present";
}

// The offset of the next byte equal to `wanted` at or after `at`, or the size when none.
Result<std::uint64_t> find_byte(Source& source, std::uint64_t at, char wanted) {
  while (at < source.size()) {
    auto block = source.view(at, k_window);
    if (!block) return tl::unexpected(block.error());
    if (const auto i = block->find(wanted); i != std::string_view::npos) return at + i;
    at += block->size();
  }
  return source.size();
}

Result<int> byte_at(Source& source, std::uint64_t at) {
  auto one = source.view(at, 1);
  if (!one) return tl::unexpected(one.error());
  return one->empty() ? -1 : static_cast<unsigned char>((*one)[0]);
}

// The offset of the marker (its 0xFF) that ends entropy-coded data starting at `at`: stuffed
// zeros, restart markers and fill bytes belong to the data. The size when the data runs out.
Result<std::uint64_t> end_of_entropy_data(Source& source, std::uint64_t at) {
  for (;;) {
    auto ff = find_byte(source, at, '\xFF');
    if (!ff || *ff >= source.size()) return ff;
    auto next = byte_at(source, *ff + 1);
    if (!next) return tl::unexpected(next.error());
    if (*next < 0) return source.size();
    if (*next == 0x00 || (*next >= 0xD0 && *next <= 0xD7)) {
      at = *ff + 2;
    } else if (*next == 0xFF) {
      at = *ff + 1;
    } else {
      return *ff;
    }
  }
}

// libjpeg decodes a cut JPEG with only a warning, "Premature end of JPEG file", and fills the
// rest grey; the same condition is found here by walking the segments to EOI. Bytes between
// segments that are not a marker mean a damaged file, not a cut one: that is the decoder's call.
Result<void> check_jpeg(Source& source) {
  const std::string premature =
      "Premature end of JPEG file: no EOI marker in " + std::to_string(source.size()) + " bytes";
  std::uint64_t at = 2;
  for (int step = 0; step < k_max_steps; ++step) {
    int marker = 0xFF;
    for (bool first = true; marker == 0xFF; first = false, ++at) {
      auto next = byte_at(source, at);
      if (!next) return tl::unexpected(next.error());
      if (*next < 0) return cut(premature);
      if (first && *next != 0xFF) return {};
      marker = *next;
    }
    if (marker == 0xD9) return {};
    if (marker == 0x00) return {};
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;
    auto length_bytes = source.view(at, 2);
    if (!length_bytes) return tl::unexpected(length_bytes.error());
    if (length_bytes->size() < 2) return cut(premature);
    const auto length =
        static_cast<std::uint64_t>((static_cast<unsigned char>((*length_bytes)[0]) << 8) |
                                   static_cast<unsigned char>((*length_bytes)[1]));
    if (length < 2) return {};
    if (length > source.size() - at) {
      return cut(premature + " (" + short_by("a segment", length, source.size() - at) + ")");
    }
    at += length;
    if (marker == 0xDA) {
      auto end = end_of_entropy_data(source, at);
      if (!end) return tl::unexpected(end.error());
      if (*end >= source.size()) return cut(premature + " (the scan data runs to the end)");
      at = *end;
    }
  }
  return {};
}

Result<void> check_png(Source& source) {
  std::uint64_t at = 8;
  for (int step = 0; step < k_max_steps; ++step) {
    auto header = source.view(at, 8);
    if (!header) return tl::unexpected(header.error());
    if (header->size() < 8) {
      return cut("the PNG ends after " + std::to_string(source.size()) +
                 " bytes without its IEND chunk");
    }
    const std::uint64_t length = big_endian32(*header, 0);
    if (!is_chunk_name(header->substr(4, 4), k_letters)) return {};  // damaged, not cut
    const std::string type(header->substr(4, 4));
    const std::uint64_t present = source.size() - at - 8;
    if (length + 4 > present) {
      return cut((type == "IDAT" ? "short IDAT: " : "") +
                 short_by("the " + type + " chunk (with its CRC)", length + 4, present));
    }
    if (type == "IEND") return {};
    at += 12 + length;
  }
  return {};
}

bool is_iso_box_type(std::string_view type) {
  for (const std::string_view known : {"ftyp", "styp", "moov", "mdat", "free", "skip", "wide"}) {
    if (type == known) return true;
  }
  return false;
}

// MP4, MOV, M4A and HEIF are a sequence of sized boxes; a cut file has a last box (mostly the
// mdat) that claims more than is left, or media data with no index (moov, moof or meta).
Result<void> check_iso_media(Source& source) {
  std::uint64_t at = 0;
  bool has_media = false;
  bool has_index = false;
  for (int step = 0; step < k_max_steps && source.size() - at >= 8; ++step) {
    auto header = source.view(at, 16);
    if (!header) return tl::unexpected(header.error());
    std::uint64_t size = big_endian32(*header, 0);
    std::uint64_t header_size = 8;
    if (!is_chunk_name(header->substr(4, 4), k_name_characters)) return {};
    const std::string type(header->substr(4, 4));
    if (size == 1) {
      if (header->size() < 16) return cut("the last box header is cut short");
      size =
          (static_cast<std::uint64_t>(big_endian32(*header, 8)) << 32) | big_endian32(*header, 12);
      header_size = 16;
    }
    if (type == "mdat") has_media = true;
    if (type == "moov" || type == "moof" || type == "meta") has_index = true;
    if (size == 0) break;               // the last box, to the end of the file
    if (size < header_size) return {};  // malformed: the decoder's verdict
    if (size > source.size() - at) {
      return cut(short_by("the " + type + " box", size, source.size() - at));
    }
    at += size;
  }
  if (has_media && !has_index) {
    return cut("no moov box: the file ends after " + std::to_string(source.size()) +
               " bytes of media data, before its index");
  }
  return {};
}

// WAV, AVI and WebP: a RIFF header with the total size, then sized chunks. Streaming writers
// leave 0 or 0xFFFFFFFF as sizes they could not know; those say nothing.
Result<void> check_riff(Source& source) {
  std::uint64_t at = 12;
  for (int step = 0; step < k_max_steps && source.size() - at >= 8; ++step) {
    auto chunk = source.view(at, 8);
    if (!chunk) return tl::unexpected(chunk.error());
    const std::uint64_t size = little_endian32(*chunk, 4);
    if (size == 0xFFFFFFFF || !is_chunk_name(chunk->substr(0, 4), k_name_characters)) break;
    if (size > source.size() - at - 8) {
      return cut(short_by("the " + std::string(chunk->substr(0, 4)) + " chunk", size,
                          source.size() - at - 8));
    }
    at += 8 + size + (size & 1);
  }
  auto header = source.view(4, 4);
  if (!header) return tl::unexpected(header.error());
  const std::uint64_t riff_size = little_endian32(*header, 0);
  if (riff_size != 0 && riff_size != 0xFFFFFFFF && riff_size > source.size() - 8) {
    return cut(short_by("the RIFF header", riff_size, source.size() - 8));
  }
  return {};
}

// A PDF closes with its cross-reference section: `startxref` after the last object. Poppler
// rebuilds a lost one from the objects it finds, so a cut PDF still opens; what it cannot
// rebuild is what came after the cut.
Result<void> check_pdf(Source& source) {
  const std::uint64_t floor = source.size() > k_pdf_tail ? source.size() - k_pdf_tail : 0;
  constexpr std::size_t k_overlap = 16;
  std::uint64_t end = source.size();
  while (end > floor) {
    const std::uint64_t start = std::max(floor, end > k_window ? end - k_window : 0);
    auto block = source.view(start, static_cast<std::size_t>(end - start));
    if (!block) return tl::unexpected(block.error());
    const auto xref = block->rfind("startxref");
    const auto object = block->rfind("endobj");
    if (xref != std::string_view::npos && (object == std::string_view::npos || xref > object)) {
      return {};
    }
    if (object != std::string_view::npos) {
      return cut("the PDF ends without its trailer: no startxref after the last object (" +
                 std::to_string(source.size()) + " bytes)");
    }
    if (start == floor) break;
    end = start + k_overlap;
  }
  if (floor > 0) return {};  // too far back to tell
  return cut("the PDF ends without its trailer: no startxref and no complete object in " +
             std::to_string(source.size()) + " bytes");
}

Result<void> check_source(Source& source) {
  auto head = source.view(0, 1024);
  if (!head) return tl::unexpected(head.error());
  const std::string_view bytes = *head;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return check_jpeg(source);
  if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return check_png(source);
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF") return check_riff(source);
  if (bytes.size() >= 8 && is_iso_box_type(bytes.substr(4, 4))) return check_iso_media(source);
  if (bytes.find("%PDF-") != std::string_view::npos) return check_pdf(source);
  return {};
}

}  // namespace

Result<void> check_complete(std::string_view bytes) {
  Source source(bytes);
  return check_source(source);
}

Result<void> check_file_complete(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(ErrorCode::io, "cannot open " + path + ": " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return fail(ErrorCode::io, "cannot stat " + path);
  Source source(fd.get(), static_cast<std::uint64_t>(info.st_size));
  return check_source(source);
}

}  // namespace media

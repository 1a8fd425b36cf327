#pragma once
// Shared FFmpeg plumbing for the audio, video and image-fallback decoders: error text, a
// wall-clock deadline wired into libavformat's interrupt callback, bounded input opening and
// single-threaded decoder setup. Private to media/.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "media/error.h"
#include "media/ffmpeg_handles.h"

namespace media {

std::string av_error_text(int code);

// A point in time after which decoding gives up; FFmpeg polls it through the interrupt
// callback, and the decode loops check it between packets.
class Deadline {
 public:
  static Deadline after_ms(int milliseconds);
  bool expired() const { return std::chrono::steady_clock::now() >= m_at; }

 private:
  explicit Deadline(std::chrono::steady_clock::time_point at) : m_at(at) {}
  std::chrono::steady_clock::time_point m_at;
};

// Opens a container, bounds stream discovery and installs the deadline; `deadline` must
// outlive the returned handle.
Result<FormatHandle> open_input(const std::string& path, const Deadline& deadline);

// Opens a decoder for the stream with library threading capped to one thread.
Result<CodecHandle> open_decoder(const AVStream& stream);

// A container read from memory. Members are destroyed in reverse order, so the format
// closes before the I/O context and the reader it reads through.
struct MemoryInput {
  const std::string* bytes = nullptr;
  std::size_t at = 0;
  IoContextHandle io;
  FormatHandle format;
};

// Opens `bytes` (which must outlive the result) as a container; `deadline` may be null.
Result<std::unique_ptr<MemoryInput>> open_memory_input(const std::string& bytes,
                                                       const Deadline* deadline);

// The first decodable frame of an encoded still image (GIF, WebP, HEIF, ...) held in memory,
// as BGR24 bytes, for formats OpenCV cannot read.
struct BgrImage {
  int width = 0;
  int height = 0;
  std::string pixels;  // width * height * 3 bytes, rows packed
};

// Converts a decoded frame to BGR24 scaled to width x height (area averaging).
Result<BgrImage> frame_to_bgr(const AVFrame& frame, int width, int height);

Result<BgrImage> decode_first_frame(const std::string& bytes, const std::string& format,
                                    std::uint64_t max_pixels, const Deadline& deadline);

}  // namespace media

#include "media/worker_protocol.h"

#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace media {
namespace {

class Writer {
 public:
  void u8(std::uint8_t value) { m_out.push_back(static_cast<char>(value)); }
  void u64(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) m_out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f64(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    u64(bits);
  }
  void text(const std::string& value) {
    u64(value.size());
    m_out += value;
  }
  template <typename T>
  void optional(const std::optional<T>& value) {
    u8(value.has_value() ? 1 : 0);
    if (!value) return;
    if constexpr (std::is_same_v<T, double>) {
      f64(*value);
    } else {
      i64(static_cast<std::int64_t>(*value));
    }
  }
  std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : m_in(in) {}
  bool ok() const { return m_ok; }
  bool at_end() const { return m_at == m_in.size(); }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(m_in[m_at++]);
  }
  std::uint64_t u64() {
    if (!need(8)) return 0;
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_in[m_at++])) << (8 * i);
    }
    return value;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() {
    const std::uint64_t bits = u64();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::string text() {
    const std::uint64_t size = u64();
    if (!need(size)) return {};
    std::string value = m_in.substr(m_at, size);
    m_at += size;
    return value;
  }
  template <typename T>
  void optional(std::optional<T>& value) {
    if (u8() == 0) {
      value.reset();
      return;
    }
    if constexpr (std::is_same_v<T, double>) {
      value = f64();
    } else {
      value = static_cast<T>(i64());
    }
  }

 private:
  bool need(std::uint64_t count) {
    if (!m_ok || count > m_in.size() - m_at) m_ok = false;
    return m_ok;
  }
  const std::string& m_in;
  std::size_t m_at = 0;
  bool m_ok = true;
};

// One list of fields per struct, walked by both directions, so the two cannot drift apart.
template <typename Io, typename L>
void walk_limits(Io& io, L& limits) {
  io(limits.image_max_side, limits.jpeg_quality, limits.max_pixels, limits.max_bytes,
     limits.max_duration_s, limits.video_frames, limits.video_audio_excerpt_s, limits.audio_max_s,
     limits.audio_mp3, limits.pdf_max_pages, limits.pdf_text_pages, limits.pdf_text_chars,
     limits.pdf_min_text_chars, limits.decode_timeout_ms, limits.worker_memory_mb, limits.ocr_ms);
}

template <typename Io, typename F>
void walk_facts(Io& io, F& facts) {
  io(facts.format, facts.mime, facts.bytes, facts.width, facts.height, facts.orientation,
     facts.has_alpha, facts.duration_s, facts.frame_rate, facts.frames_sampled, facts.frames,
     facts.duration_ms, facts.video_codec, facts.audio_codec, facts.has_audio, facts.channels,
     facts.sample_rate, facts.loudness_dbfs, facts.silence_ratio, facts.pages, facts.encrypted,
     facts.damaged, facts.title, facts.author, facts.producer, facts.text_chars, facts.camera_make,
     facts.camera_model, facts.capture_time, facts.ocr_text);
}

struct Encode {
  Writer& writer;
  void one(const std::string& value) { writer.text(value); }
  void one(double value) { writer.f64(value); }
  void one(bool value) { writer.u8(value ? 1 : 0); }
  template <typename T>
  void one(const std::optional<T>& value) {
    writer.optional(value);
  }
  template <typename T>
  void one(const T& value) {
    writer.i64(static_cast<std::int64_t>(value));
  }
  template <typename... T>
  void operator()(const T&... values) {
    (one(values), ...);
  }
};

struct Decode {
  Reader& reader;
  void one(std::string& value) { value = reader.text(); }
  void one(double& value) { value = reader.f64(); }
  void one(bool& value) { value = reader.u8() != 0; }
  template <typename T>
  void one(std::optional<T>& value) {
    reader.optional(value);
  }
  template <typename T>
  void one(T& value) {
    value = static_cast<T>(reader.i64());
  }
  template <typename... T>
  void operator()(T&... values) {
    (one(values), ...);
  }
};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t wrote = ::write(fd, data, size);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    data += wrote;
    size -= static_cast<std::size_t>(wrote);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

std::string encode_request(const WorkerRequest& request) {
  Writer writer;
  Encode encode{writer};
  writer.text(request.path);
  walk_limits(encode, request.limits);
  return writer.take();
}

std::optional<WorkerRequest> decode_request(const std::string& payload) {
  Reader reader(payload);
  Decode decode{reader};
  WorkerRequest request;
  request.path = reader.text();
  walk_limits(decode, request.limits);
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return request;
}

std::string encode_response(const WorkerResponse& response) {
  Writer writer;
  Encode encode{writer};
  writer.u64(response.peak_rss_kb);
  writer.u8(response.exiting ? 1 : 0);
  writer.u8(response.result ? 1 : 0);
  if (!response.result) {
    writer.u8(static_cast<std::uint8_t>(response.result.error().code));
    writer.text(response.result.error().detail);
    const auto& kind = response.result.error().kind;
    writer.u8(kind ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(*kind) + 1) : 0);
    return writer.take();
  }
  const Normalized& value = *response.result;
  writer.u8(static_cast<std::uint8_t>(value.kind));
  walk_facts(encode, value.facts);
  writer.u64(value.parts.size());
  for (const Part& part : value.parts) {
    writer.u8(static_cast<std::uint8_t>(part.type));
    encode(part.mime, part.data, part.label);
  }
  encode(value.token_estimate, value.naive_tokens);
  return writer.take();
}

std::optional<WorkerResponse> decode_response(const std::string& payload) {
  Reader reader(payload);
  Decode decode{reader};
  WorkerResponse response;
  response.peak_rss_kb = reader.u64();
  response.exiting = reader.u8() != 0;
  if (reader.u8() == 0) {
    const auto code = reader.u8();
    if (code > static_cast<std::uint8_t>(ErrorCode::internal)) return std::nullopt;
    response.result = fail(static_cast<ErrorCode>(code), reader.text());
    // 0: not probed; else the kind + 1.
    const auto kind = reader.u8();
    if (kind > static_cast<std::uint8_t>(Kind::pdf) + 1) return std::nullopt;
    if (kind > 0) response.result.error().kind = static_cast<Kind>(kind - 1);
  } else {
    Normalized value;
    const auto kind = reader.u8();
    if (kind > static_cast<std::uint8_t>(Kind::pdf)) return std::nullopt;
    value.kind = static_cast<Kind>(kind);
    walk_facts(decode, value.facts);
    const std::uint64_t parts = reader.u64();
    if (parts > 64) return std::nullopt;
    for (std::uint64_t i = 0; i < parts && reader.ok(); ++i) {
      Part part;
      const auto type = reader.u8();
      if (type > static_cast<std::uint8_t>(PartType::audio)) return std::nullopt;
      part.type = static_cast<PartType>(type);
      decode(part.mime, part.data, part.label);
      value.parts.push_back(std::move(part));
    }
    decode(value.token_estimate, value.naive_tokens);
    response.result = std::move(value);
  }
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return response;
}

std::string frame(const std::string& payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  std::string out(4, '\0');
  for (std::size_t i = 0; i < 4; ++i) out[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  return out + payload;
}

std::uint32_t frame_size(const unsigned char (&header)[4]) {
  return header[0] | (header[1] << 8) | (header[2] << 16) |
         (static_cast<std::uint32_t>(header[3]) << 24);
}

std::optional<std::string> read_frame(int fd) {
  unsigned char header[4];
  if (!read_all(fd, reinterpret_cast<char*>(header), sizeof header)) return std::nullopt;
  const std::uint32_t size = frame_size(header);
  if (size > k_max_frame_bytes) return std::nullopt;
  std::string payload(size, '\0');
  if (!read_all(fd, payload.data(), size)) return std::nullopt;
  return payload;
}

bool write_frame(int fd, const std::string& payload) {
  if (payload.size() > k_max_frame_bytes) return false;
  const std::string bytes = frame(payload);
  return write_all(fd, bytes.data(), bytes.size());
}

}  // namespace media

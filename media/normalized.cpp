#include "media/normalized.h"

#include "media/error.h"

namespace media {

Normalized upright_image(const std::string& format, std::uint64_t bytes, int width, int height,
                         bool has_alpha) {
  Normalized out;
  out.kind = Kind::image;
  out.facts.format = format;
  out.facts.bytes = bytes;
  out.facts.width = width;
  out.facts.height = height;
  out.facts.has_alpha = has_alpha;
  out.facts.orientation = 1;
  return out;
}

std::string to_string(Kind kind) {
  switch (kind) {
    case Kind::image: return "image";
    case Kind::audio: return "audio";
    case Kind::video: return "video";
    case Kind::pdf: return "pdf";
  }
  return "unknown";
}

std::optional<Kind> parse_kind(std::string_view text) {
  for (const Kind kind : {Kind::image, Kind::audio, Kind::video, Kind::pdf}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::string to_string(PartType type) {
  switch (type) {
    case PartType::text: return "text";
    case PartType::image: return "image";
    case PartType::audio: return "audio";
  }
  return "unknown";
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::truncated: return "truncated";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::encrypted: return "encrypted";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::crashed: return "crashed";
    case ErrorCode::io: return "io";
    case ErrorCode::internal: return "internal";
  }
  return "unknown";
}

}  // namespace media

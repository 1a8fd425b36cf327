#include "media/normalizer.h"

#include <sys/stat.h>
#include <fstream>
#include <sstream>

#include "media/audio_normalizer.h"
#include "media/image_normalizer.h"
#include "media/pdf_normalizer.h"
#include "media/probe.h"
#include "media/video_normalizer.h"

namespace media {
namespace {

Result<std::string> read_all(const std::string& path, std::uint64_t max_bytes) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fail(ErrorCode::io, "cannot stat " + path);
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return fail(
        ErrorCode::too_large,
        std::to_string(info.st_size) + " bytes is over the limit of " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot open " + path);
  std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

}  // namespace

Result<Normalized> normalize_file(const std::string& path, const Limits& limits) {
  auto probe = probe_file(path);
  if (!probe) return tl::unexpected(probe.error());
  Result<Normalized> result = fail(ErrorCode::internal, "no normalizer ran");
  switch (probe->kind) {
    case Kind::image: {
      auto bytes = read_all(path, limits.max_bytes);
      if (!bytes) return tl::unexpected(bytes.error());
      result = normalize_image(*bytes, probe->format, limits);
      break;
    }
    case Kind::audio: result = normalize_audio(path, limits); break;
    case Kind::video: result = normalize_video(path, limits); break;
    case Kind::pdf: result = normalize_pdf(path, limits); break;
  }
  if (result && result->facts.mime.empty()) result->facts.mime = probe->mime;
  return result;
}

}  // namespace media

#include "media/normalizer.h"

#include <sys/stat.h>
#include <fstream>
#include <sstream>

#include "media/audio_normalizer.h"
#include "media/image_normalizer.h"
#include "media/pdf_normalizer.h"
#include "media/probe.h"
#include "media/test_faults.h"
#include "media/truncation.h"
#include "media/video_normalizer.h"

namespace media {
namespace {

// Every kind is refused over max_bytes, before any decoder sees it.
Result<std::uint64_t> checked_size(const std::string& path, std::uint64_t max_bytes) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fail(ErrorCode::io, "cannot stat " + path);
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > max_bytes) {
    return fail(ErrorCode::too_large,
                std::to_string(size) + " bytes is over the limit of " + std::to_string(max_bytes));
  }
  return size;
}

Result<std::string> read_all(const std::string& path, std::uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot open " + path);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

// A file refused before probing (too large, cut off) still says what it is, where its head
// tells: a cut-off photo is counted as an image. Probing reads the head only.
tl::unexpected<Error> probed_failure(const std::string& path, Error error) {
  if (auto probe = probe_file(path)) error.kind = probe->kind;
  return tl::unexpected(std::move(error));
}

}  // namespace

Result<Normalized> normalize_file(const std::string& path, const Limits& limits) {
  inject_test_fault(path);
  auto size = checked_size(path, limits.max_bytes);
  if (!size) return probed_failure(path, size.error());
  // A cut-off upload is reported as such before any decoder sees it: decoders fill a cut JPEG
  // with grey, and FFmpeg cannot even open an MP4 cut before its index.
  if (auto whole = check_file_complete(path); !whole) return probed_failure(path, whole.error());
  auto probe = probe_file(path);
  if (!probe) return tl::unexpected(probe.error());
  Result<Normalized> result = fail(ErrorCode::internal, "no normalizer ran");
  switch (probe->kind) {
    case Kind::image: {
      auto bytes = read_all(path, *size);
      if (!bytes) return tl::unexpected(bytes.error());
      result = normalize_image(*bytes, probe->format, limits);
      break;
    }
    case Kind::audio: result = normalize_audio(path, limits); break;
    case Kind::video: result = normalize_video(path, limits); break;
    case Kind::pdf: result = normalize_pdf(path, limits); break;
  }
  if (result && result->facts.mime.empty()) result->facts.mime = probe->mime;
  if (!result) result.error().kind = probe->kind;
  return result;
}

}  // namespace media

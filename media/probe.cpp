#include "media/probe.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include <magic.h>

#include "media/av_probe.h"
#include "media/raw_decoder.h"

namespace media {
namespace {

struct MagicCloser {
  void operator()(magic_set* cookie) const { magic_close(cookie); }
};
using MagicHandle = std::unique_ptr<magic_set, MagicCloser>;

// libmagic handles are not thread-safe; each thread keeps its own, loaded once.
magic_t thread_magic() {
  thread_local MagicHandle handle = [] {
    MagicHandle cookie(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
                                  MAGIC_NO_CHECK_TAR));
    if (cookie && magic_load(cookie.get(), nullptr) != 0) cookie.reset();
    // Every format siftd reads is told by its first bytes; by default libmagic reads and
    // scans up to 7 MB of each file, which costs more than decoding a reduced JPEG.
    if (cookie) {
      const std::size_t bytes_max = std::size_t{64} * 1024;
      magic_setparam(cookie.get(), MAGIC_PARAM_BYTES_MAX, &bytes_max);
    }
    return cookie;
  }();
  return handle.get();
}

struct MimeKind {
  std::string_view mime;
  Kind kind;
  std::string_view format;
};

// Still-image formats decoded by OpenCV (or, for the ones it lacks, FFmpeg's image decoders).
constexpr MimeKind k_known[] = {
    {"image/jpeg", Kind::image, "jpeg"},
    {"image/png", Kind::image, "png"},
    {"image/gif", Kind::image, "gif"},
    {"image/bmp", Kind::image, "bmp"},
    {"image/x-ms-bmp", Kind::image, "bmp"},
    {"image/webp", Kind::image, "webp"},
    {"image/tiff", Kind::image, "tiff"},
    {"image/heic", Kind::image, "heif"},
    {"image/heif", Kind::image, "heif"},
    {"image/avif", Kind::image, "avif"},
    {"image/x-portable-pixmap", Kind::image, "pnm"},
    {"image/x-portable-graymap", Kind::image, "pnm"},
    {"image/x-portable-bitmap", Kind::image, "pnm"},
    {"image/jp2", Kind::image, "jpeg2000"},
    // Camera RAW files libmagic names; DNG, NEF, ARW and PEF read as TIFF and are told apart
    // by their tags (image_header.h).
    {"image/x-canon-cr2", Kind::image, "cr2"},
    {"image/x-canon-crw", Kind::image, "crw"},
    {"image/x-fuji-raf", Kind::image, "raf"},
    {"image/x-olympus-orf", Kind::image, "orf"},
    {"application/pdf", Kind::pdf, "pdf"},
};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_timed_media(std::string_view mime) {
  return starts_with(mime, "audio/") || starts_with(mime, "video/") ||
         mime == "application/octet-stream" || mime == "application/ogg" ||
         mime == "application/x-matroska";
}

Result<Probe> from_mime(const std::string& mime, const std::function<Result<AvProbe>()>& av_probe) {
  for (const auto& known : k_known) {
    if (mime == known.mime) return Probe{known.kind, mime, std::string(known.format)};
  }
  if (mime == "application/x-empty" || mime == "inode/x-empty") {
    return fail(ErrorCode::corrupt, "the file is empty");
  }
  if (is_timed_media(mime)) {
    auto av = av_probe();
    if (!av) {
      if (mime == "application/octet-stream") {
        return fail(ErrorCode::unsupported, "unrecognised content (" + mime + ")");
      }
      return tl::unexpected(av.error());
    }
    return Probe{av->has_video ? Kind::video : Kind::audio, mime, av->format};
  }
  return fail(ErrorCode::unsupported, "unsupported content type " + mime);
}

// libmagic names a HEIF whose major brand it does not know (fuzzed files, some writers)
// octet-stream; the ftyp box's compatible brands still say what it is.
bool is_heif_content(std::string_view head) {
  if (head.size() < 16 || head.substr(4, 4) != "ftyp") return false;
  const auto box = static_cast<std::size_t>(
      (static_cast<unsigned char>(head[0]) << 24) | (static_cast<unsigned char>(head[1]) << 16) |
      (static_cast<unsigned char>(head[2]) << 8) | static_cast<unsigned char>(head[3]));
  const std::string_view brands = head.substr(16, std::min(head.size(), box) - 16);
  for (std::size_t at = 0; at + 4 <= brands.size(); at += 4) {
    for (const std::string_view heif : {"mif1", "msf1", "heic", "heix", "avif"}) {
      if (brands.substr(at, 4) == heif) return true;
    }
  }
  return false;
}

std::string file_head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

Result<Probe> classify(const std::string& mime, std::string_view head,
                       const std::function<Result<AvProbe>()>& av_probe) {
  if (has_raw_signature(head)) return Probe{Kind::image, mime, "raw"};
  if (mime == "application/octet-stream" && is_heif_content(head)) {
    return Probe{Kind::image, mime, "heif"};
  }
  return from_mime(mime, av_probe);
}

// magic_error() may be null even when a lookup failed (libmagic gives up on some inputs
// without saying why).
std::string magic_message(magic_t cookie) {
  const char* message = magic_error(cookie);
  return std::string("libmagic: ") + (message ? message : "cannot tell the type");
}

}  // namespace

Result<Probe> probe_file(const std::string& path) {
  magic_t cookie = thread_magic();
  if (!cookie) return fail(ErrorCode::internal, "libmagic could not load its database");
  const char* mime = magic_file(cookie, path.c_str());
  if (!mime) return fail(ErrorCode::io, magic_message(cookie));
  return classify(mime, file_head(path), [&] { return av_probe_file(path); });
}

Result<Probe> probe_bytes(const std::string& bytes) {
  magic_t cookie = thread_magic();
  if (!cookie) return fail(ErrorCode::internal, "libmagic could not load its database");
  const char* mime = magic_buffer(cookie, bytes.data(), bytes.size());
  if (!mime) return fail(ErrorCode::corrupt, magic_message(cookie));
  return classify(mime, std::string_view(bytes).substr(0, 64),
                  [&] { return av_probe_bytes(bytes); });
}

}  // namespace media

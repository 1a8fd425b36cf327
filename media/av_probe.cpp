#include "media/av_probe.h"

#include <algorithm>
#include <cstring>

#include "media/ffmpeg_handles.h"

namespace media {
namespace {

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

Result<AvProbe> inspect(AVFormatContext* context) {
  // Bound the probe: hostile files can make stream discovery read a lot.
  context->probesize = 5'000'000;
  context->max_analyze_duration = 5 * AV_TIME_BASE;
  if (const int rc = avformat_find_stream_info(context, nullptr); rc < 0) {
    return fail(ErrorCode::corrupt, "no readable streams: " + av_error_text(rc));
  }
  AvProbe probe;
  probe.format = context->iformat ? context->iformat->name : "";
  for (unsigned i = 0; i < context->nb_streams; ++i) {
    const AVStream* stream = context->streams[i];
    const auto type = stream->codecpar->codec_type;
    const bool cover_art = (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
    if (type == AVMEDIA_TYPE_VIDEO && !cover_art) probe.has_video = true;
    if (type == AVMEDIA_TYPE_AUDIO) probe.has_audio = true;
  }
  if (!probe.has_video && !probe.has_audio) {
    return fail(ErrorCode::unsupported, "container " + probe.format + " holds no audio or video");
  }
  return probe;
}

struct MemoryReader {
  const std::string* bytes;
  std::size_t at = 0;
};

int read_memory(void* opaque, uint8_t* buffer, int size) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const std::size_t left = reader->bytes->size() - reader->at;
  if (left == 0) return AVERROR_EOF;
  const std::size_t count = std::min(left, static_cast<std::size_t>(size));
  std::memcpy(buffer, reader->bytes->data() + reader->at, count);
  reader->at += count;
  return static_cast<int>(count);
}

}  // namespace

Result<AvProbe> av_probe_file(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
    return fail(ErrorCode::unsupported, "not a readable audio or video container: " +
                                            av_error_text(rc));
  }
  FormatHandle context(raw);
  return inspect(context.get());
}

Result<AvProbe> av_probe_bytes(const std::string& bytes) {
  MemoryReader reader{&bytes};
  constexpr int k_buffer = 32 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(k_buffer));
  if (!buffer) return fail(ErrorCode::internal, "out of memory");
  IoContextHandle io(avio_alloc_context(buffer, k_buffer, 0, &reader, read_memory, nullptr, nullptr));
  if (!io) {
    av_free(buffer);
    return fail(ErrorCode::internal, "out of memory");
  }
  FormatHandle context(avformat_alloc_context());
  context->pb = io.get();
  AVFormatContext* raw = context.release();
  if (const int rc = avformat_open_input(&raw, nullptr, nullptr, nullptr); rc < 0) {
    return fail(ErrorCode::unsupported, "not a readable audio or video container: " +
                                            av_error_text(rc));
  }
  context.reset(raw);
  auto result = inspect(context.get());
  context.reset();  // closes the format before the I/O context it reads from
  return result;
}

}  // namespace media

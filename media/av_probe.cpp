#include "media/av_probe.h"

#include "media/ffmpeg_support.h"

namespace media {
namespace {

Result<AvProbe> inspect(AVFormatContext* context) {
  // Bound the probe: hostile files can make stream discovery read a lot.
  context->probesize = 5'000'000;
  context->max_analyze_duration = std::int64_t{5} * AV_TIME_BASE;
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

}  // namespace

Result<AvProbe> av_probe_file(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
    return fail(ErrorCode::unsupported,
                "not a readable audio or video container: " + av_error_text(rc));
  }
  FormatHandle context(raw);
  return inspect(context.get());
}

Result<AvProbe> av_probe_bytes(const std::string& bytes) {
  auto input = open_memory_input(bytes, nullptr);
  if (!input) return tl::unexpected(input.error());
  return inspect((*input)->format.get());
}

}  // namespace media

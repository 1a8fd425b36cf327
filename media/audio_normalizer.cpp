#include "media/audio_normalizer.h"

#include <sys/stat.h>
#include <algorithm>
#include <cmath>

#include "media/audio_pcm.h"
#include "media/token_estimate.h"

namespace media {
namespace {

// The container's duration, else the audio stream's, else unknown (negative).
double container_duration(const AVFormatContext& context) {
  if (context.duration > 0 && context.duration != AV_NOPTS_VALUE) {
    return static_cast<double>(context.duration) / AV_TIME_BASE;
  }
  for (unsigned i = 0; i < context.nb_streams; ++i) {
    const AVStream& stream = *context.streams[i];
    if (stream.codecpar->codec_type == AVMEDIA_TYPE_AUDIO && stream.duration > 0 &&
        stream.duration != AV_NOPTS_VALUE) {
      return static_cast<double>(stream.duration) * av_q2d(stream.time_base);
    }
  }
  return -1;
}

// A container that declares a duration (rather than guessing it from the bitrate) far beyond
// where its audio stream ends was cut: an MP3 whose Xing header counts frames that are not
// there. A second or a tenth of the whole is left for encoder delay and padding.
Result<void> check_stream_end(const AVFormatContext& context, double declared_s,
                              const PcmClip& clip) {
  if (clip.stream_end_s < 0 || declared_s <= 0) return {};
  if (context.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return {};
  const double missing_s = declared_s - clip.stream_end_s;
  if (missing_s < 1.0 || missing_s < 0.1 * declared_s) return {};
  return fail(ErrorCode::truncated, "the audio stream ends at " +
                                        std::to_string(clip.stream_end_s) + " s of the " +
                                        std::to_string(declared_s) + " s its container declares");
}

std::string seconds_label(double seconds) {
  return std::to_string(static_cast<long long>(std::lround(seconds))) + " s";
}

}  // namespace

Result<Normalized> normalize_audio(const std::string& path, const Limits& limits) {
  const auto deadline = Deadline::after_ms(limits.decode_timeout_ms);
  auto context = open_input(path, deadline);
  if (!context) return tl::unexpected(context.error());

  Normalized out;
  out.kind = Kind::audio;
  out.facts.format = (*context)->iformat ? (*context)->iformat->name : "";
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) out.facts.bytes = static_cast<std::uint64_t>(info.st_size);
  const double duration = container_duration(**context);
  if (duration > limits.max_duration_s) {
    return fail(ErrorCode::too_large, std::to_string(duration) +
                                          " s of audio is over the limit of " +
                                          std::to_string(limits.max_duration_s));
  }

  PcmOptions options;
  options.keep_s = limits.audio_max_s;
  options.skip_leading_silence = true;
  options.max_decode_s = std::max(600.0, 10 * limits.audio_max_s);
  options.find_stream_end = true;
  auto clip = decode_pcm(**context, options, deadline);
  if (!clip) return tl::unexpected(clip.error());
  if (auto whole = check_stream_end(**context, duration, *clip); !whole) {
    return tl::unexpected(whole.error());
  }
  trim_trailing_silence(clip->samples);

  out.facts.duration_s = duration > 0 ? duration : clip->decoded_s;
  out.facts.channels = clip->channels;
  out.facts.sample_rate = clip->sample_rate;
  out.facts.audio_codec = clip->codec;
  out.facts.has_audio = true;
  out.facts.loudness_dbfs = clip->loudness_dbfs;
  out.facts.silence_ratio = clip->silence_ratio;

  const double sent_s = static_cast<double>(clip->samples.size()) / k_pcm_rate;
  if (!clip->samples.empty()) {
    auto part = encode_audio_part(clip->samples, limits.audio_mp3,
                                  "audio " + seconds_label(sent_s) + ", 16 kHz mono");
    if (!part) return tl::unexpected(part.error());
    out.parts.push_back(std::move(*part));
  } else {
    out.parts.push_back(
        Part{PartType::text, "text/plain", "The audio is silent throughout.", "silence note"});
  }
  out.token_estimate = audio_tokens(sent_s);
  if (clip->samples.empty()) out.token_estimate = text_tokens(out.parts.back().data.size());
  out.naive_tokens = audio_tokens(*out.facts.duration_s);
  return out;
}

}  // namespace media

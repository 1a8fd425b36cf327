#include "media/video_normalizer.h"

#include <sys/stat.h>
#include <algorithm>
#include <cmath>

#include "media/audio_pcm.h"
#include "media/contact_sheet.h"
#include "media/ffmpeg_support.h"
#include "media/image_ops.h"
#include "media/token_estimate.h"

namespace media {
namespace {

// AV_TIME_BASE_Q spelled in C++: the macro is a C compound literal.
constexpr AVRational k_time_base{1, AV_TIME_BASE};

// Packets of the video stream read after one seek before giving up on finding a frame.
constexpr int k_packets_per_seek = 600;

int find_video_stream(const AVFormatContext& context) {
  for (unsigned i = 0; i < context.nb_streams; ++i) {
    const AVStream& stream = *context.streams[i];
    if (stream.codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        (stream.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

double duration_of(const AVFormatContext& context, const AVStream& stream) {
  if (context.duration > 0 && context.duration != AV_NOPTS_VALUE) {
    return static_cast<double>(context.duration) / AV_TIME_BASE;
  }
  if (stream.duration > 0 && stream.duration != AV_NOPTS_VALUE) {
    return static_cast<double>(stream.duration) * av_q2d(stream.time_base);
  }
  return -1;
}

void fill_facts(AVFormatContext& context, const AVStream& video, Facts& facts) {
  facts.format = context.iformat ? context.iformat->name : "";
  facts.width = video.codecpar->width;
  facts.height = video.codecpar->height;
  facts.video_codec = avcodec_get_name(video.codecpar->codec_id);
  const AVRational rate = av_guess_frame_rate(&context, const_cast<AVStream*>(&video), nullptr);
  if (rate.num > 0 && rate.den > 0) facts.frame_rate = av_q2d(rate);
  facts.has_audio = false;
  for (unsigned i = 0; i < context.nb_streams; ++i) {
    const AVStream& stream = *context.streams[i];
    if (stream.codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
      facts.has_audio = true;
      facts.audio_codec = avcodec_get_name(stream.codecpar->codec_id);
      break;
    }
  }
}

// Frames are converted straight to at most max_side a side; the sheet only shrinks further.
cv::Size frame_size_within(int width, int height, int max_side) {
  const double scale = std::min(1.0, static_cast<double>(max_side) / std::max(width, height));
  return {std::max(1, static_cast<int>(width * scale)),
          std::max(1, static_cast<int>(height * scale))};
}

class FrameSampler {
 public:
  FrameSampler(AVFormatContext& context, int index, AVCodecContext& decoder, const Limits& limits,
               const Deadline& deadline)
      : m_context(context),
        m_index(index),
        m_stream(*context.streams[index]),
        m_decoder(decoder),
        m_limits(limits),
        m_deadline(deadline) {}

  // Seeks to the keyframe at or before `at_s` and decodes only until its first frame.
  Result<bool> sample_at(double at_s, bool first, std::vector<SampledFrame>& frames) {
    const std::int64_t start = m_stream.start_time != AV_NOPTS_VALUE ? m_stream.start_time : 0;
    const std::int64_t target = start + av_rescale_q(static_cast<std::int64_t>(at_s * AV_TIME_BASE),
                                                     k_time_base, m_stream.time_base);
    // A freshly opened container is already at the start; not seeking there keeps streams
    // without keyframe flags (VP9 intra-only) readable.
    if (at_s > 0 || m_moved) {
      if (av_seek_frame(&m_context, m_index, target, AVSEEK_FLAG_BACKWARD) < 0 && !first) {
        return false;  // not seekable: what was sampled so far is all there is
      }
      avcodec_flush_buffers(&m_decoder);
    }
    m_moved = true;
    auto frame = first_frame();
    if (!frame) return tl::unexpected(frame.error());
    if (!*frame) return false;
    const AVFrame& decoded = *m_frame;
    std::int64_t pts = decoded.best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = target;
    if (pts == m_last_pts) return true;  // the same keyframe as the previous point
    m_last_pts = pts;
    const cv::Size size = frame_size_within(decoded.width, decoded.height, m_limits.image_max_side);
    auto bgr = frame_to_bgr(decoded, size.width, size.height);
    if (!bgr) return true;  // an odd frame is skipped, not fatal
    cv::Mat image(bgr->height, bgr->width, CV_8UC3, bgr->pixels.data());
    frames.push_back(
        SampledFrame{image.clone(), static_cast<double>(pts - start) * av_q2d(m_stream.time_base)});
    return true;
  }

 private:
  Result<bool> first_frame() {
    if (!m_packet) m_packet.reset(av_packet_alloc());
    if (!m_frame) m_frame.reset(av_frame_alloc());
    if (!m_packet || !m_frame) return fail(ErrorCode::internal, "out of memory");
    int packets = 0;
    bool draining = false;
    while (packets < k_packets_per_seek) {
      if (m_deadline.expired()) return fail(ErrorCode::timeout, "video decoding timed out");
      if (!draining) {
        if (av_read_frame(&m_context, m_packet.get()) < 0) {
          draining = true;
          avcodec_send_packet(&m_decoder, nullptr);
        } else {
          if (m_packet->stream_index == m_index) {
            ++packets;
            avcodec_send_packet(&m_decoder, m_packet.get());
          }
          av_packet_unref(m_packet.get());
        }
      }
      const int got = avcodec_receive_frame(&m_decoder, m_frame.get());
      if (got == 0) {
        const auto pixels = static_cast<std::uint64_t>(m_frame->width) *
                            static_cast<std::uint64_t>(m_frame->height);
        if (pixels > m_limits.max_pixels) {
          return fail(ErrorCode::too_large, "a decoded frame is over the pixel limit");
        }
        return true;
      }
      if (got == AVERROR_EOF || (draining && got == AVERROR(EAGAIN))) return false;
    }
    return false;
  }

  AVFormatContext& m_context;
  int m_index;
  const AVStream& m_stream;
  AVCodecContext& m_decoder;
  const Limits& m_limits;
  const Deadline& m_deadline;
  PacketHandle m_packet;
  FrameHandle m_frame;
  std::int64_t m_last_pts = AV_NOPTS_VALUE;
  bool m_moved = false;
};

Result<std::vector<SampledFrame>> sample_frames(AVFormatContext& context, int index,
                                                double duration, const Limits& limits,
                                                const Deadline& deadline) {
  auto decoder = open_decoder(*context.streams[index]);
  if (!decoder) return tl::unexpected(decoder.error());
  FrameSampler sampler(context, index, **decoder, limits, deadline);
  const int points = duration > 0 ? std::max(1, limits.video_frames) : 1;
  std::vector<SampledFrame> frames;
  for (int i = 0; i < points; ++i) {
    const double at_s = duration > 0 ? duration * (i + 0.5) / points : 0;
    auto more = sampler.sample_at(at_s, i == 0, frames);
    if (!more) {
      if (frames.empty()) return tl::unexpected(more.error());
      break;  // a timeout late in the file still leaves a usable sheet
    }
    if (!*more && i == 0 && frames.empty()) continue;
    if (!*more) break;
  }
  if (frames.empty()) {
    // Every point lay past the last picture (a video track shorter than the audio), or the
    // index pointed nowhere useful: the very first frame still tells what the video shows.
    auto first = sampler.sample_at(0, true, frames);
    if (!first) return tl::unexpected(first.error());
  }
  if (frames.empty()) return fail(ErrorCode::corrupt, "no video frame could be decoded");
  return frames;
}

Result<Part> audio_excerpt(const std::string& path, const Limits& limits,
                           const Deadline& deadline) {
  auto context = open_input(path, deadline);
  if (!context) return tl::unexpected(context.error());
  PcmOptions options;
  options.keep_s = limits.video_audio_excerpt_s;
  options.max_decode_s = limits.video_audio_excerpt_s;
  auto clip = decode_pcm(**context, options, deadline);
  if (!clip) return tl::unexpected(clip.error());
  const auto seconds = static_cast<double>(clip->samples.size()) / k_pcm_rate;
  return encode_audio_part(clip->samples, limits.audio_mp3,
                           "excerpt 0-" + std::to_string(std::lround(seconds)) + "s");
}

}  // namespace

Result<Normalized> normalize_video(const std::string& path, const Limits& limits) {
  const auto deadline = Deadline::after_ms(limits.decode_timeout_ms);
  auto context = open_input(path, deadline);
  if (!context) return tl::unexpected(context.error());
  const int index = find_video_stream(**context);
  if (index < 0) return fail(ErrorCode::unsupported, "no video stream");
  const AVStream& video = *(*context)->streams[index];

  Normalized out;
  out.kind = Kind::video;
  fill_facts(**context, video, out.facts);
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) out.facts.bytes = static_cast<std::uint64_t>(info.st_size);
  const double duration = duration_of(**context, video);
  if (duration > 0) out.facts.duration_s = duration;
  const auto pixels = static_cast<std::uint64_t>(std::max(0, video.codecpar->width)) *
                      static_cast<std::uint64_t>(std::max(0, video.codecpar->height));
  if (pixels > limits.max_pixels) {
    return fail(ErrorCode::too_large, std::to_string(video.codecpar->width) + "x" +
                                          std::to_string(video.codecpar->height) +
                                          " video is over the pixel limit");
  }
  if (duration > limits.max_duration_s) {
    return fail(ErrorCode::too_large, std::to_string(duration) +
                                          " s of video is over the limit of " +
                                          std::to_string(limits.max_duration_s));
  }

  auto frames = sample_frames(**context, index, duration, limits, deadline);
  if (!frames && frames.error().code == ErrorCode::corrupt) {
    // Seeking can strand demuxers on streams without marked keyframes; read from the top.
    if (auto reopened = open_input(path, deadline)) {
      frames = sample_frames(**reopened, index, -1, limits, deadline);
    }
  }
  if (!frames) return tl::unexpected(frames.error());
  auto kept = drop_near_duplicates(std::move(*frames));
  out.facts.frames_sampled = static_cast<int>(kept.size());
  const cv::Mat sheet = make_contact_sheet(kept, limits.image_max_side);
  auto jpeg = encode_jpeg(sheet, limits.jpeg_quality);
  if (!jpeg) return tl::unexpected(jpeg.error());
  out.parts.push_back(Part{PartType::image, "image/jpeg", std::move(*jpeg),
                           "contact sheet of " + std::to_string(kept.size()) + " frames, " +
                               std::to_string(sheet.cols) + "x" + std::to_string(sheet.rows)});
  out.token_estimate = image_tokens(sheet.cols, sheet.rows);

  if (limits.video_audio_excerpt_s > 0 && out.facts.has_audio.value_or(false)) {
    // A broken audio track does not spoil the pictures: the excerpt is simply left out.
    if (auto excerpt = audio_excerpt(path, limits, deadline); excerpt && !excerpt->data.empty()) {
      out.token_estimate += audio_tokens(limits.video_audio_excerpt_s);
      out.parts.push_back(std::move(*excerpt));
    }
  }
  out.naive_tokens = video_tokens(duration > 0 ? duration : 1.0);
  return out;
}

}  // namespace media

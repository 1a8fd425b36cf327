#include "media/ffmpeg_support.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

extern "C" {
#include <libavutil/imgutils.h>
}

namespace media {
namespace {

// FFmpeg logs every oddity of a hostile file to stderr; media/ reports through its errors.
void quiet_logging() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

int deadline_passed(void* opaque) {
  return static_cast<const Deadline*>(opaque)->expired() ? 1 : 0;
}

void install_deadline(AVFormatContext& context, const Deadline* deadline) {
  if (!deadline) return;
  context.interrupt_callback.callback = deadline_passed;
  context.interrupt_callback.opaque = const_cast<Deadline*>(deadline);
}

// Hostile files can make stream discovery read a lot; these bound it.
void bound_discovery(AVFormatContext& context) {
  context.probesize = 5'000'000;
  context.max_analyze_duration = std::int64_t{5} * AV_TIME_BASE;
}

int read_memory(void* opaque, uint8_t* buffer, int size) {
  auto* input = static_cast<MemoryInput*>(opaque);
  const std::size_t left = input->bytes->size() - input->at;
  if (left == 0) return AVERROR_EOF;
  const std::size_t count = std::min(left, static_cast<std::size_t>(size));
  std::memcpy(buffer, input->bytes->data() + input->at, count);
  input->at += count;
  return static_cast<int>(count);
}

int64_t seek_memory(void* opaque, int64_t offset, int whence) {
  auto* input = static_cast<MemoryInput*>(opaque);
  const auto size = static_cast<int64_t>(input->bytes->size());
  if (whence == AVSEEK_SIZE) return size;
  int64_t target = offset;
  if ((whence & ~AVSEEK_FORCE) == SEEK_CUR) target += static_cast<int64_t>(input->at);
  if ((whence & ~AVSEEK_FORCE) == SEEK_END) target += size;
  if (target < 0 || target > size) return AVERROR(EINVAL);
  input->at = static_cast<std::size_t>(target);
  return target;
}

}  // namespace

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

Deadline Deadline::after_ms(int milliseconds) {
  return Deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds));
}

Result<FormatHandle> open_input(const std::string& path, const Deadline& deadline) {
  quiet_logging();
  FormatHandle context(avformat_alloc_context());
  if (!context) return fail(ErrorCode::internal, "out of memory");
  install_deadline(*context, &deadline);
  bound_discovery(*context);
  AVFormatContext* raw = context.release();
  if (const int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); rc < 0) {
    if (deadline.expired()) return fail(ErrorCode::timeout, "opening the container timed out");
    return fail(ErrorCode::corrupt, "cannot open the container: " + av_error_text(rc));
  }
  context.reset(raw);
  if (const int rc = avformat_find_stream_info(context.get(), nullptr); rc < 0) {
    if (deadline.expired()) return fail(ErrorCode::timeout, "reading stream info timed out");
    return fail(ErrorCode::corrupt, "no readable streams: " + av_error_text(rc));
  }
  return context;
}

Result<std::unique_ptr<MemoryInput>> open_memory_input(const std::string& bytes,
                                                       const Deadline* deadline) {
  quiet_logging();
  auto input = std::make_unique<MemoryInput>();
  input->bytes = &bytes;
  constexpr int k_buffer = 32 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(k_buffer));
  if (!buffer) return fail(ErrorCode::internal, "out of memory");
  input->io.reset(
      avio_alloc_context(buffer, k_buffer, 0, input.get(), read_memory, nullptr, seek_memory));
  if (!input->io) {
    av_free(buffer);
    return fail(ErrorCode::internal, "out of memory");
  }
  FormatHandle context(avformat_alloc_context());
  if (!context) return fail(ErrorCode::internal, "out of memory");
  context->pb = input->io.get();
  install_deadline(*context, deadline);
  bound_discovery(*context);
  AVFormatContext* raw = context.release();
  if (const int rc = avformat_open_input(&raw, nullptr, nullptr, nullptr); rc < 0) {
    return fail(ErrorCode::unsupported, "not a container FFmpeg reads: " + av_error_text(rc));
  }
  input->format.reset(raw);
  return input;
}

Result<CodecHandle> open_decoder(const AVStream& stream) {
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (!codec) {
    return fail(ErrorCode::unsupported,
                std::string("no decoder for codec ") + avcodec_get_name(stream.codecpar->codec_id));
  }
  CodecHandle context(avcodec_alloc_context3(codec));
  if (!context) return fail(ErrorCode::internal, "out of memory");
  if (avcodec_parameters_to_context(context.get(), stream.codecpar) < 0) {
    return fail(ErrorCode::corrupt, "bad codec parameters");
  }
  // Workers run one per core; a decoder spawning its own threads would oversubscribe them.
  context->thread_count = 1;
  context->pkt_timebase = stream.time_base;
  if (const int rc = avcodec_open2(context.get(), codec, nullptr); rc < 0) {
    return fail(ErrorCode::corrupt,
                std::string("cannot open the ") + codec->name + " decoder: " + av_error_text(rc));
  }
  return context;
}

Result<BgrImage> frame_to_bgr(const AVFrame& frame, int width, int height) {
  if (frame.width <= 0 || frame.height <= 0 || width <= 0 || height <= 0) {
    return fail(ErrorCode::corrupt, "a frame has no size");
  }
  ScalerHandle scaler(sws_getContext(frame.width, frame.height,
                                     static_cast<AVPixelFormat>(frame.format), width, height,
                                     AV_PIX_FMT_BGR24, SWS_AREA, nullptr, nullptr, nullptr));
  if (!scaler) return fail(ErrorCode::unsupported, "cannot convert this pixel format");
  // swscale's vector code may write past the end of a row; give it aligned, padded rows.
  const int stride = (width * 3 + 63) / 64 * 64;
  std::vector<uint8_t> buffer(static_cast<std::size_t>(stride) * static_cast<std::size_t>(height) +
                              64);
  uint8_t* planes[4] = {buffer.data(), nullptr, nullptr, nullptr};
  int strides[4] = {stride, 0, 0, 0};
  if (sws_scale(scaler.get(), frame.data, frame.linesize, 0, frame.height, planes, strides) <= 0) {
    return fail(ErrorCode::corrupt, "frame conversion failed");
  }
  BgrImage image;
  image.width = width;
  image.height = height;
  const auto row = static_cast<std::size_t>(width) * 3;
  image.pixels.resize(row * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    std::memcpy(image.pixels.data() + row * static_cast<std::size_t>(y),
                buffer.data() + static_cast<std::size_t>(stride) * static_cast<std::size_t>(y),
                row);
  }
  return image;
}

Result<BgrImage> decode_first_frame(const std::string& bytes, const std::string& format,
                                    std::uint64_t max_pixels, const Deadline& deadline) {
  auto input = open_memory_input(bytes, &deadline);
  if (!input) {
    return fail(ErrorCode::unsupported,
                format + " images are not readable in this build (" + input.error().detail + ")");
  }
  AVFormatContext* context = (*input)->format.get();
  if (avformat_find_stream_info(context, nullptr) < 0 && deadline.expired()) {
    return fail(ErrorCode::timeout, "reading the " + format + " image timed out");
  }
  const int index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) {
    return fail(ErrorCode::unsupported, format + " images are not readable in this build (" +
                                            (context->iformat ? context->iformat->name : "?") +
                                            " found no picture)");
  }
  const AVStream& stream = *context->streams[index];
  const auto pixels = static_cast<std::uint64_t>(std::max(0, stream.codecpar->width)) *
                      static_cast<std::uint64_t>(std::max(0, stream.codecpar->height));
  if (pixels > max_pixels) {
    return fail(ErrorCode::too_large, std::to_string(stream.codecpar->width) + "x" +
                                          std::to_string(stream.codecpar->height) +
                                          " pixels is over the limit");
  }
  auto decoder = open_decoder(stream);
  if (!decoder) return tl::unexpected(decoder.error());
  PacketHandle packet(av_packet_alloc());
  FrameHandle frame(av_frame_alloc());
  if (!packet || !frame) return fail(ErrorCode::internal, "out of memory");
  bool draining = false;
  while (!deadline.expired()) {
    if (!draining) {
      const int rc = av_read_frame(context, packet.get());
      if (rc < 0) {
        draining = true;
        avcodec_send_packet(decoder->get(), nullptr);
      } else {
        if (packet->stream_index == index) avcodec_send_packet(decoder->get(), packet.get());
        av_packet_unref(packet.get());
      }
    }
    const int got = avcodec_receive_frame(decoder->get(), frame.get());
    if (got == 0) {
      if (static_cast<std::uint64_t>(frame->width) * static_cast<std::uint64_t>(frame->height) >
          max_pixels) {
        return fail(ErrorCode::too_large, "the decoded frame is over the pixel limit");
      }
      return frame_to_bgr(*frame, frame->width, frame->height);
    }
    if (got == AVERROR_EOF || (draining && got == AVERROR(EAGAIN))) break;
  }
  if (deadline.expired()) return fail(ErrorCode::timeout, "decoding the " + format + " timed out");
  return fail(ErrorCode::corrupt, "the " + format + " image holds no decodable frame");
}

}  // namespace media

#include "media/av_animation.h"

#include <opencv2/core.hpp>

#include "media/ffmpeg_support.h"

namespace media {
namespace {

// The demuxed packets of the picture stream, with each frame's start time: the timing is known
// before any frame is decoded, so the frames to keep can be chosen up front.
struct Packets {
  std::vector<PacketHandle> packets;
  std::vector<std::int64_t> starts_ms;
  std::int64_t total_ms = 0;
};

Result<Packets> read_packets(AVFormatContext& context, int index, const Deadline& deadline) {
  const AVRational time_base = context.streams[index]->time_base;
  Packets out;
  std::int64_t clock_ms = 0;
  for (;;) {
    if (deadline.expired()) return fail(ErrorCode::timeout, "reading the animation timed out");
    PacketHandle packet(av_packet_alloc());
    if (!packet) return fail(ErrorCode::internal, "out of memory");
    if (av_read_frame(&context, packet.get()) < 0) break;
    if (packet->stream_index != index) continue;
    // GIF and APNG frames follow one another: each starts where the one before ended.
    out.starts_ms.push_back(clock_ms);
    if (packet->duration > 0) clock_ms += av_rescale_q(packet->duration, time_base, {1, 1000});
    out.packets.push_back(std::move(packet));
  }
  out.total_ms = clock_ms;
  return out;
}

}  // namespace

Result<Animation> sample_av_animation(const std::string& bytes, const std::string& format,
                                      const Limits& limits) {
  const auto deadline = Deadline::after_ms(limits.decode_timeout_ms);
  auto input = open_memory_input(bytes, &deadline);
  if (!input) return fail(ErrorCode::corrupt, "the " + format + " " + input.error().detail);
  AVFormatContext& context = *(*input)->format;
  if (avformat_find_stream_info(&context, nullptr) < 0 && deadline.expired()) {
    return fail(ErrorCode::timeout, "reading the " + format + " timed out");
  }
  const int index = av_find_best_stream(&context, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return fail(ErrorCode::corrupt, "the " + format + " holds no picture");
  const AVStream& stream = *context.streams[index];
  Animation animation;
  animation.width = stream.codecpar->width;
  animation.height = stream.codecpar->height;
  const auto pixels = static_cast<std::uint64_t>(std::max(0, animation.width)) *
                      static_cast<std::uint64_t>(std::max(0, animation.height));
  if (pixels > limits.max_pixels) {
    return fail(ErrorCode::too_large, std::to_string(animation.width) + "x" +
                                          std::to_string(animation.height) +
                                          " pixels is over the limit");
  }
  auto packets = read_packets(context, index, deadline);
  if (!packets) return tl::unexpected(packets.error());
  animation.frame_count = static_cast<int>(packets->packets.size());
  animation.duration_ms = packets->total_ms;
  const auto wanted = frames_to_keep(packets->starts_ms, packets->total_ms, limits.video_frames);

  auto decoder = open_decoder(stream);
  if (!decoder) return tl::unexpected(decoder.error());
  FrameHandle frame(av_frame_alloc());
  if (!frame) return fail(ErrorCode::internal, "out of memory");
  std::size_t decoded = 0;
  std::size_t next_wanted = 0;
  // Every frame is decoded, since each is drawn over the ones before; only the kept ones are
  // converted. The decoders give one frame per packet.
  for (std::size_t i = 0; i <= packets->packets.size() && next_wanted < wanted.size(); ++i) {
    if (deadline.expired()) break;
    avcodec_send_packet(decoder->get(),
                        i < packets->packets.size() ? packets->packets[i].get() : nullptr);
    while (next_wanted < wanted.size() && avcodec_receive_frame(decoder->get(), frame.get()) == 0) {
      if (decoded == wanted[next_wanted]) {
        if (static_cast<std::uint64_t>(frame->width) * static_cast<std::uint64_t>(frame->height) >
            limits.max_pixels) {
          return fail(ErrorCode::too_large, "a decoded frame is over the pixel limit");
        }
        auto bgr = frame_to_bgr(*frame, frame->width, frame->height);
        if (!bgr) return tl::unexpected(bgr.error());
        const cv::Mat view(bgr->height, bgr->width, CV_8UC3, bgr->pixels.data());
        animation.kept.push_back(
            SampledFrame{view.clone(), static_cast<double>(packets->starts_ms[decoded]) / 1000.0});
        ++next_wanted;
      }
      ++decoded;
      av_frame_unref(frame.get());
    }
  }
  if (animation.kept.empty()) {
    if (deadline.expired())
      return fail(ErrorCode::timeout, "decoding the " + format + " timed out");
    return fail(ErrorCode::corrupt, "the " + format + " holds no decodable frame");
  }
  return animation;
}

}  // namespace media

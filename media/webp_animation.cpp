#include "media/webp_animation.h"

#include <memory>

#include <webp/demux.h>
#include <opencv2/core.hpp>

#include "media/ffmpeg_support.h"
#include "media/image_ops.h"

namespace media {
namespace {

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* decoder) const { WebPAnimDecoderDelete(decoder); }
};
using AnimDecoderHandle = std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter>;

// Each frame's start time, read from the demuxer without decoding anything.
std::vector<std::int64_t> frame_starts(const WebPDemuxer& demuxer, std::int64_t& total_ms) {
  std::vector<std::int64_t> starts;
  total_ms = 0;
  WebPIterator frame;
  if (WebPDemuxGetFrame(&demuxer, 1, &frame)) {
    do {
      starts.push_back(total_ms);
      total_ms += std::max(0, frame.duration);
    } while (WebPDemuxNextFrame(&frame));
    WebPDemuxReleaseIterator(&frame);
  }
  return starts;
}

}  // namespace

Result<Animation> sample_webp_animation(const std::string& bytes, const Limits& limits) {
  const auto deadline = Deadline::after_ms(limits.decode_timeout_ms);
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) {
    return fail(ErrorCode::internal, "libwebp's demux library does not match its headers");
  }
  options.color_mode = MODE_BGRA;
  options.use_threads = 0;  // workers run one per core already
  const WebPData data{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
  AnimDecoderHandle decoder(WebPAnimDecoderNew(&data, &options));
  if (!decoder) return fail(ErrorCode::corrupt, "libwebp cannot read this animation");
  WebPAnimInfo info;
  if (!WebPAnimDecoderGetInfo(decoder.get(), &info)) {
    return fail(ErrorCode::corrupt, "libwebp cannot read the animation's header");
  }
  const auto pixels = static_cast<std::uint64_t>(info.canvas_width) * info.canvas_height;
  if (info.canvas_width == 0 || info.canvas_height == 0 || pixels > limits.max_pixels) {
    return fail(pixels == 0 ? ErrorCode::corrupt : ErrorCode::too_large,
                std::to_string(info.canvas_width) + "x" + std::to_string(info.canvas_height) +
                    " canvas is outside the pixel limit");
  }

  Animation animation;
  animation.width = static_cast<int>(info.canvas_width);
  animation.height = static_cast<int>(info.canvas_height);
  const WebPDemuxer* demuxer = WebPAnimDecoderGetDemuxer(decoder.get());
  const auto starts = frame_starts(*demuxer, animation.duration_ms);
  animation.frame_count = static_cast<int>(info.frame_count);
  animation.has_alpha = (WebPDemuxGetI(demuxer, WEBP_FF_FORMAT_FLAGS) & ALPHA_FLAG) != 0;
  const auto wanted = frames_to_keep(starts, animation.duration_ms, limits.video_frames);

  std::size_t index = 0;
  std::size_t next_wanted = 0;
  while (next_wanted < wanted.size() && WebPAnimDecoderHasMoreFrames(decoder.get())) {
    if (deadline.expired()) {
      if (!animation.kept.empty()) break;  // the frames so far still make a sheet
      return fail(ErrorCode::timeout, "decoding the animated WebP timed out");
    }
    std::uint8_t* canvas = nullptr;
    int end_ms = 0;
    if (!WebPAnimDecoderGetNext(decoder.get(), &canvas, &end_ms)) {
      if (!animation.kept.empty()) break;  // a damaged tail: keep what decoded
      return fail(ErrorCode::corrupt, "libwebp cannot decode frame " + std::to_string(index + 1));
    }
    if (index == wanted[next_wanted]) {
      const cv::Mat view(animation.height, animation.width, CV_8UC4, canvas);
      animation.kept.push_back(
          SampledFrame{flatten_alpha(view), static_cast<double>(starts[index]) / 1000.0});
      ++next_wanted;
    }
    ++index;
  }
  if (animation.kept.empty()) return fail(ErrorCode::corrupt, "the animation has no frame");
  return animation;
}

}  // namespace media

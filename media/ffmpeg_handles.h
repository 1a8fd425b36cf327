#pragma once
// RAII owners for FFmpeg objects. Most FFmpeg free functions take a pointer to the pointer,
// so each deleter is a small struct. Private to media/.

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace media {

struct FormatCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct ResamplerFreer {
  void operator()(SwrContext* context) const { swr_free(&context); }
};
struct ScalerFreer {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};
struct IoContextFreer {
  void operator()(AVIOContext* context) const {
    if (context) av_freep(&context->buffer);
    avio_context_free(&context);
  }
};

using FormatHandle = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecHandle = std::unique_ptr<AVCodecContext, CodecFreer>;
using FrameHandle = std::unique_ptr<AVFrame, FrameFreer>;
using PacketHandle = std::unique_ptr<AVPacket, PacketFreer>;
using ResamplerHandle = std::unique_ptr<SwrContext, ResamplerFreer>;
using ScalerHandle = std::unique_ptr<SwsContext, ScalerFreer>;
using IoContextHandle = std::unique_ptr<AVIOContext, IoContextFreer>;

}  // namespace media

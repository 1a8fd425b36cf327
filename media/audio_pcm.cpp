#include "media/audio_pcm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace media {
namespace {

constexpr int k_window = k_pcm_rate / 50;    // 20 ms
constexpr int k_lead = k_pcm_rate / 10;      // 100 ms kept around trimmed silence
constexpr double k_silence_floor = 0.00316;  // -50 dBFS

double window_rms(const float* data, int count) {
  double sum = 0;
  for (int i = 0; i < count; ++i) sum += static_cast<double>(data[i]) * data[i];
  return count > 0 ? std::sqrt(sum / count) : 0;
}

// Consumes 16 kHz mono samples: measures silence over everything, keeps what was asked.
class PcmSink {
 public:
  explicit PcmSink(const PcmOptions& options) : m_options(options) {
    m_started = !options.skip_leading_silence;
  }

  void consume(const float* data, int count) {
    m_decoded += static_cast<std::uint64_t>(count);
    measure(data, count);
    if (is_full()) return;
    m_kept.insert(m_kept.end(), data, data + count);
    if (!m_started) find_start();
    const auto keep = static_cast<std::size_t>(m_options.keep_s * k_pcm_rate);
    if (m_started && m_kept.size() >= keep) {
      m_kept.resize(keep);
      m_full = true;
    }
  }

  bool is_full() const {
    return m_full || static_cast<double>(m_decoded) >= m_options.max_decode_s * k_pcm_rate;
  }

  void finish(PcmClip& clip) {
    if (!m_started) m_kept.clear();  // silence throughout
    clip.samples = std::move(m_kept);
    clip.decoded_s = static_cast<double>(m_decoded) / k_pcm_rate;
    clip.silence_ratio =
        m_windows ? static_cast<double>(m_silent) / static_cast<double>(m_windows) : 0;
    const std::uint64_t loud = m_windows - m_silent;
    clip.loudness_dbfs = loud && m_loud_energy > 0
                             ? 10 * std::log10(m_loud_energy / static_cast<double>(loud))
                             : -120;
  }

 private:
  void measure(const float* data, int count) {
    for (int i = 0; i < count; ++i) {
      m_window.push_back(data[i]);
      if (m_window.size() < k_window) continue;
      const double rms = window_rms(m_window.data(), k_window);
      ++m_windows;
      if (rms < k_silence_floor) {
        ++m_silent;
      } else {
        m_loud_energy += rms * rms;
      }
      m_window.clear();
    }
  }

  // Scans the kept samples for the first window over the floor; drops what comes before it.
  void find_start() {
    while (m_scanned + k_window <= m_kept.size()) {
      if (window_rms(m_kept.data() + m_scanned, k_window) >= k_silence_floor) {
        const std::size_t from = m_scanned > k_lead ? m_scanned - k_lead : 0;
        m_kept.erase(m_kept.begin(), m_kept.begin() + static_cast<std::ptrdiff_t>(from));
        m_started = true;
        return;
      }
      m_scanned += k_window;
    }
    if (m_scanned > k_lead) {
      const std::size_t drop = m_scanned - k_lead;
      m_kept.erase(m_kept.begin(), m_kept.begin() + static_cast<std::ptrdiff_t>(drop));
      m_scanned -= drop;
    }
  }

  PcmOptions m_options;
  std::vector<float> m_kept;
  std::vector<float> m_window;
  std::size_t m_scanned = 0;
  std::uint64_t m_decoded = 0;
  std::uint64_t m_windows = 0;
  std::uint64_t m_silent = 0;
  double m_loud_energy = 0;
  bool m_started = false;
  bool m_full = false;
};

struct ResamplerInput {
  int format = -1;
  int rate = 0;
  int channels = 0;
};

Result<ResamplerHandle> make_resampler(const AVFrame& frame) {
  AVChannelLayout in_layout{};
  if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame.ch_layout.nb_channels <= 0) {
    av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
  } else if (av_channel_layout_copy(&in_layout, &frame.ch_layout) < 0) {
    return fail(ErrorCode::internal, "out of memory");
  }
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw = nullptr;
  const int rc =
      swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, k_pcm_rate, &in_layout,
                          static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  ResamplerHandle resampler(raw);
  // Downmix to the average of the channels: no clipping, and loudness means the original's.
  if (resampler) av_opt_set_double(resampler.get(), "rematrix_maxval", 1.0, 0);
  if (rc < 0 || !resampler || swr_init(resampler.get()) < 0) {
    return fail(ErrorCode::corrupt, "cannot resample this audio layout");
  }
  return resampler;
}

// Resamples one frame (or flushes with null) into the sink.
Result<bool> resample(SwrContext* resampler, const AVFrame* frame, PcmSink& sink) {
  const int in_count = frame ? frame->nb_samples : 0;
  // Flushing drains whatever the filter still holds; ask for room for all of it.
  const int capacity = frame ? swr_get_out_samples(resampler, in_count) : 65'536;
  if (capacity < 0) return fail(ErrorCode::corrupt, "resampler refused the audio");
  if (capacity == 0) return true;
  std::vector<float> out(static_cast<std::size_t>(capacity));
  auto* out_plane = reinterpret_cast<uint8_t*>(out.data());
  const int produced =
      swr_convert(resampler, &out_plane, capacity,
                  frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr, in_count);
  if (produced < 0) return fail(ErrorCode::corrupt, "resampling failed");
  sink.consume(out.data(), produced);
  return true;
}

// Follows where one stream's packets end, in seconds from the stream's start.
class StreamEnd {
 public:
  explicit StreamEnd(const AVStream& stream) : m_stream(stream) {}

  void see(const AVPacket& packet) {
    if (packet.stream_index != m_stream.index || packet.pts == AV_NOPTS_VALUE) return;
    const std::int64_t start = m_stream.start_time != AV_NOPTS_VALUE ? m_stream.start_time : 0;
    const std::int64_t end = packet.pts + std::max<std::int64_t>(0, packet.duration) - start;
    m_end = std::max(m_end, static_cast<double>(end) * av_q2d(m_stream.time_base));
  }
  double seconds() const { return m_end; }

 private:
  const AVStream& m_stream;
  double m_end = 0;
};

// Reads the packets decoding left unread, only for their timestamps; true when the demuxer
// reached its end within the budget.
bool read_to_end(AVFormatContext& context, AVPacket& packet, StreamEnd& end,
                 const PcmOptions& options, const Deadline& deadline) {
  const auto budget = Deadline::after_ms(options.stream_end_budget_ms);
  while (!deadline.expired() && !budget.expired()) {
    const int rc = av_read_frame(&context, &packet);
    if (rc == AVERROR_EOF) return true;
    if (rc < 0) return false;
    end.see(packet);
    av_packet_unref(&packet);
  }
  return false;
}

}  // namespace

Result<PcmClip> decode_pcm(AVFormatContext& context, const PcmOptions& options,
                           const Deadline& deadline) {
  const int index = av_find_best_stream(&context, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0) return fail(ErrorCode::unsupported, "no audio stream");
  const AVStream& stream = *context.streams[index];
  auto decoder = open_decoder(stream);
  if (!decoder) return tl::unexpected(decoder.error());

  PcmClip clip;
  clip.codec = avcodec_get_name(stream.codecpar->codec_id);
  clip.channels = stream.codecpar->ch_layout.nb_channels;
  clip.sample_rate = stream.codecpar->sample_rate;
  if (clip.sample_rate <= 0 || clip.channels <= 0) {
    return fail(ErrorCode::corrupt, "the audio stream has no sample rate or channels");
  }

  PcmSink sink(options);
  PacketHandle packet(av_packet_alloc());
  FrameHandle frame(av_frame_alloc());
  if (!packet || !frame) return fail(ErrorCode::internal, "out of memory");
  ResamplerHandle resampler;
  ResamplerInput input;
  int bad_packets = 0;
  int frames_decoded = 0;
  bool draining = false;
  bool at_end = false;
  StreamEnd end(stream);
  while (!sink.is_full()) {
    if (deadline.expired()) return fail(ErrorCode::timeout, "audio decoding timed out");
    if (!draining) {
      const int rc = av_read_frame(&context, packet.get());
      if (rc < 0) {
        draining = true;
        at_end = rc == AVERROR_EOF;
        avcodec_send_packet(decoder->get(), nullptr);
      } else {
        end.see(*packet);
        if (packet->stream_index == index &&
            avcodec_send_packet(decoder->get(), packet.get()) < 0) {
          ++bad_packets;
        }
        av_packet_unref(packet.get());
        if (bad_packets > 1000) break;  // a stream of garbage, not audio
      }
    }
    while (!sink.is_full()) {
      const int got = avcodec_receive_frame(decoder->get(), frame.get());
      if (got < 0) {
        if (got == AVERROR_EOF) draining = true;
        break;
      }
      ++frames_decoded;
      const ResamplerInput now{frame->format, frame->sample_rate, frame->ch_layout.nb_channels};
      if (now.rate <= 0 || now.channels <= 0) continue;
      if (!resampler || now.format != input.format || now.rate != input.rate ||
          now.channels != input.channels) {
        auto made = make_resampler(*frame);
        if (!made) return tl::unexpected(made.error());
        resampler = std::move(*made);
        input = now;
      }
      if (auto ok = resample(resampler.get(), frame.get(), sink); !ok) {
        return tl::unexpected(ok.error());
      }
    }
    if (draining && avcodec_receive_frame(decoder->get(), frame.get()) == AVERROR_EOF) break;
  }
  if (resampler && !sink.is_full()) resample(resampler.get(), nullptr, sink);
  sink.finish(clip);
  if (!draining && options.find_stream_end) {
    at_end = read_to_end(context, *packet, end, options, deadline);
  }
  if (at_end) clip.stream_end_s = end.seconds();
  if (frames_decoded == 0) return fail(ErrorCode::corrupt, "no audio could be decoded");
  return clip;
}

void trim_trailing_silence(std::vector<float>& samples) {
  std::size_t end = samples.size() - samples.size() % k_window;
  while (end >= k_window &&
         window_rms(samples.data() + end - k_window, k_window) < k_silence_floor) {
    end -= k_window;
  }
  if (end == 0) {
    samples.clear();
    return;
  }
  samples.resize(std::min(samples.size(), end + k_lead));
}

Result<std::string> encode_wav(const std::vector<float>& samples) {
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto put16 = [&](std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  };
  out += "RIFF";
  put32(36 + data_bytes);
  out += "WAVEfmt ";
  put32(16);
  put16(1);  // PCM
  put16(1);  // mono
  put32(k_pcm_rate);
  put32(k_pcm_rate * 2);
  put16(2);
  put16(16);
  out += "data";
  put32(data_bytes);
  for (const float sample : samples) {
    const float clamped = std::clamp(sample, -1.0f, 1.0f);
    put16(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lrint(clamped * 32767.0f))));
  }
  return out;
}

Result<std::string> encode_mp3(const std::vector<float>& samples) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MP3);
  if (!codec) return fail(ErrorCode::unsupported, "this libavcodec has no MP3 encoder");
  CodecHandle encoder(avcodec_alloc_context3(codec));
  if (!encoder) return fail(ErrorCode::internal, "out of memory");
  encoder->sample_fmt = AV_SAMPLE_FMT_FLTP;
  encoder->sample_rate = k_pcm_rate;
  encoder->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  encoder->bit_rate = 32'000;
  encoder->thread_count = 1;
  if (const int rc = avcodec_open2(encoder.get(), codec, nullptr); rc < 0) {
    return fail(ErrorCode::internal, "cannot open the MP3 encoder: " + av_error_text(rc));
  }
  const int frame_size = encoder->frame_size > 0 ? encoder->frame_size : 1152;
  FrameHandle frame(av_frame_alloc());
  PacketHandle packet(av_packet_alloc());
  if (!frame || !packet) return fail(ErrorCode::internal, "out of memory");
  std::string out;
  auto drain = [&]() {
    while (avcodec_receive_packet(encoder.get(), packet.get()) == 0) {
      out.append(reinterpret_cast<const char*>(packet->data),
                 static_cast<std::size_t>(packet->size));
      av_packet_unref(packet.get());
    }
  };
  std::int64_t pts = 0;
  for (std::size_t at = 0; at < samples.size(); at += static_cast<std::size_t>(frame_size)) {
    const int count = static_cast<int>(std::min<std::size_t>(frame_size, samples.size() - at));
    av_frame_unref(frame.get());
    frame->nb_samples = frame_size;  // the last frame is padded with silence
    frame->format = AV_SAMPLE_FMT_FLTP;
    frame->sample_rate = k_pcm_rate;
    frame->ch_layout = AV_CHANNEL_LAYOUT_MONO;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return fail(ErrorCode::internal, "out of memory");
    std::memset(frame->data[0], 0, static_cast<std::size_t>(frame_size) * sizeof(float));
    std::memcpy(frame->data[0], samples.data() + at,
                static_cast<std::size_t>(count) * sizeof(float));
    frame->pts = pts;
    pts += count;
    if (avcodec_send_frame(encoder.get(), frame.get()) < 0) {
      return fail(ErrorCode::internal, "MP3 encoding failed");
    }
    drain();
  }
  avcodec_send_frame(encoder.get(), nullptr);
  drain();
  return out;
}

Result<Part> encode_audio_part(const std::vector<float>& samples, bool want_mp3,
                               std::string label) {
  if (want_mp3) {
    auto mp3 = encode_mp3(samples);
    if (mp3) return Part{PartType::audio, "audio/mpeg", std::move(*mp3), std::move(label)};
    // WAV still works without an MP3 encoder; it is only about 8x larger.
    label += " (WAV: " + mp3.error().detail + ")";
  }
  auto wav = encode_wav(samples);
  if (!wav) return tl::unexpected(wav.error());
  return Part{PartType::audio, "audio/wav", std::move(*wav), std::move(label)};
}

}  // namespace media

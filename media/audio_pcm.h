#pragma once
// Audio as the model hears it: any decodable audio stream brought to 16 kHz mono floats,
// silence measured and trimmed, and the result encoded as 16-bit WAV or MP3. Shared by the
// audio normalizer and the video normalizer's excerpt. Private to media/.

#include <string>
#include <vector>

#include "media/error.h"
#include "media/ffmpeg_support.h"
#include "media/normalized.h"

namespace media {

inline constexpr int k_pcm_rate = 16'000;

struct PcmClip {
  std::vector<float> samples;  // mono, k_pcm_rate per second, kept part only
  double decoded_s = 0;        // seconds decoded (kept or not)
  int channels = 0;            // of the original stream
  int sample_rate = 0;         // of the original stream
  std::string codec;
  double silence_ratio = 0;     // share of 20 ms windows decoded under the silence floor
  double loudness_dbfs = -120;  // RMS level of the decoded windows over it
  // Where the stream's last packet ends, in seconds from its start; negative when the demuxer
  // was not read to its end (stopped by a cap, a deadline or a read error).
  double stream_end_s = -1;
};

struct PcmOptions {
  double keep_s = 60;                 // stop once this many seconds are kept
  bool skip_leading_silence = false;  // keep nothing before the first sound (but a short lead)
  double max_decode_s = 600;          // never decode more than this, kept or not
  // After decoding stops, read (not decode) the remaining packets to learn where the stream
  // ends, within `stream_end_budget_ms` and the deadline.
  bool find_stream_end = false;
  int stream_end_budget_ms = 2000;
};

// Decodes the best audio stream of an opened container.
Result<PcmClip> decode_pcm(AVFormatContext& context, const PcmOptions& options,
                           const Deadline& deadline);

// Drops trailing windows under the silence floor (keeping a short tail).
void trim_trailing_silence(std::vector<float>& samples);

Result<std::string> encode_wav(const std::vector<float>& samples);
Result<std::string> encode_mp3(const std::vector<float>& samples);

// An audio part: MP3 when asked for and this libavcodec has an MP3 encoder, else WAV, in which
// case the label says why, so the fallback shows in `siftd normalize` and the journal.
Result<Part> encode_audio_part(const std::vector<float>& samples, bool want_mp3, std::string label);

}  // namespace media

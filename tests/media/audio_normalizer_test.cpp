#include "media/audio_normalizer.h"

#include <gtest/gtest.h>

#include "media/normalizer.h"
#include "media/token_estimate.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;

// Reads the data size of the 44-byte header our WAV encoder writes.
double wav_seconds(const std::string& wav) {
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(wav[i]));
  };
  const std::uint32_t data = byte(40) | byte(41) << 8 | byte(42) << 16 | byte(43) << 24;
  return data / 2.0 / 16'000;
}

TEST(AudioNormalizer, trims_silence_and_downmixes_to_16khz_mono_wav) {
  auto out = normalize_audio(fixture("tone_gaps.flac"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::audio);
  EXPECT_EQ(out->facts.channels, 2);
  EXPECT_EQ(out->facts.sample_rate, 22050);
  EXPECT_EQ(out->facts.audio_codec, "flac");
  EXPECT_NEAR(*out->facts.duration_s, 4.0, 0.05);
  EXPECT_NEAR(*out->facts.silence_ratio, 0.5, 0.05);
  EXPECT_NEAR(*out->facts.loudness_dbfs, -9.0, 1.5);  // a 0.5 sine is -9 dBFS RMS
  ASSERT_EQ(out->parts.size(), 1u);
  const Part& part = out->parts[0];
  EXPECT_EQ(part.mime, "audio/wav");
  ASSERT_GE(part.data.size(), 44u);
  EXPECT_EQ(part.data.substr(0, 4), "RIFF");
  EXPECT_EQ(static_cast<unsigned char>(part.data[22]), 1);  // mono
  // 2 s of tone plus at most 100 ms kept on either side.
  EXPECT_NEAR(wav_seconds(part.data), 2.1, 0.15);
  EXPECT_EQ(out->token_estimate, audio_tokens(wav_seconds(part.data)));
  EXPECT_EQ(out->naive_tokens, audio_tokens(*out->facts.duration_s));
}

TEST(AudioNormalizer, caps_the_length) {
  Limits limits;
  limits.audio_max_s = 1;
  auto out = normalize_audio(fixture("tone_gaps.flac"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_NEAR(wav_seconds(out->parts[0].data), 1.0, 0.01);
  EXPECT_EQ(out->token_estimate, 32);
}

TEST(AudioNormalizer, encodes_mp3_when_asked) {
  Limits limits;
  limits.audio_mp3 = true;
  auto out = normalize_audio(fixture("tone.mp3"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->parts[0].mime, "audio/mpeg");
  // About 3 s at 32 kbit/s; a 16-bit WAV of the same would be 96 KB.
  EXPECT_LT(out->parts[0].data.size(), 20'000u);
  EXPECT_GT(out->parts[0].data.size(), 5'000u);
}

TEST(AudioNormalizer, describes_silence_instead_of_sending_it) {
  auto out = normalize_file(fixture("silence.wav"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::audio);
  EXPECT_DOUBLE_EQ(*out->facts.silence_ratio, 1.0);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].type, PartType::text);
}

TEST(AudioNormalizer, refuses_audio_over_the_duration_limit) {
  Limits limits;
  limits.max_duration_s = 2;
  auto out = normalize_audio(fixture("tone_gaps.flac"), limits);
  EXPECT_EQ(error_code(out), ErrorCode::too_large);
}

TEST(AudioNormalizer, refuses_files_over_the_byte_limit_before_decoding) {
  Limits limits;
  limits.max_bytes = 1000;
  EXPECT_EQ(error_code(normalize_file(fixture("tone.mp3"), limits)), ErrorCode::too_large);
}

}  // namespace
}  // namespace media

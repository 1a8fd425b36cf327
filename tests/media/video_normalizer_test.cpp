#include "media/video_normalizer.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "media/normalizer.h"
#include "media/token_estimate.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;

cv::Mat decode_part(const Part& part) {
  const cv::Mat buffer(1, static_cast<int>(part.data.size()), CV_8U,
                       const_cast<char*>(part.data.data()));
  return cv::imdecode(buffer, cv::IMREAD_COLOR);
}

TEST(VideoNormalizer, reads_facts_and_tiles_frames_into_one_sheet) {
  auto out = normalize_file(fixture("pattern.mp4"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::video);
  EXPECT_EQ(out->facts.width, 160);
  EXPECT_EQ(out->facts.height, 120);
  EXPECT_NEAR(*out->facts.duration_s, 8.0, 0.2);
  EXPECT_NEAR(*out->facts.frame_rate, 10.0, 0.01);
  EXPECT_EQ(out->facts.video_codec, "h264");
  EXPECT_EQ(out->facts.audio_codec, "aac");
  EXPECT_EQ(out->facts.has_audio, true);
  // Keyframes every 2 s: six points land on four distinct keyframes.
  EXPECT_GE(*out->facts.frames_sampled, 3);
  ASSERT_EQ(out->parts.size(), 1u);
  const cv::Mat sheet = decode_part(out->parts[0]);
  ASSERT_FALSE(sheet.empty());
  EXPECT_LE(std::max(sheet.cols, sheet.rows), 384);
  EXPECT_EQ(out->token_estimate, 258);
  EXPECT_EQ(out->naive_tokens, video_tokens(*out->facts.duration_s));
}

TEST(VideoNormalizer, drops_frames_that_look_the_same) {
  auto out = normalize_file(fixture("still.webm"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.frames_sampled, 1);
  EXPECT_EQ(out->facts.has_audio, false);
}

TEST(VideoNormalizer, adds_an_audio_excerpt_when_configured) {
  Limits limits;
  limits.video_audio_excerpt_s = 3;
  auto out = normalize_video(fixture("pattern.mp4"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  ASSERT_EQ(out->parts.size(), 2u);
  EXPECT_EQ(out->parts[1].type, PartType::audio);
  EXPECT_EQ(out->parts[1].mime, "audio/wav");
  EXPECT_NEAR(static_cast<double>(out->parts[1].data.size() - 44) / 32'000, 3.0,
              0.1);  // AAC priming may eat a few ms
  EXPECT_EQ(out->token_estimate, 258 + audio_tokens(3));
}

TEST(VideoNormalizer, refuses_video_over_the_limits) {
  Limits limits;
  limits.max_pixels = 100 * 100;
  auto small = normalize_video(fixture("pattern.mp4"), limits);
  EXPECT_EQ(error_code(small), ErrorCode::too_large);
  limits = Limits{};
  limits.max_duration_s = 5;
  auto short_only = normalize_video(fixture("pattern.mp4"), limits);
  EXPECT_EQ(error_code(short_only), ErrorCode::too_large);
}

TEST(VideoNormalizer, gives_a_typed_error_for_a_truncated_file) {
  auto out = normalize_file(fixture("truncated.mp4"), Limits{});
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().code == ErrorCode::corrupt || out.error().code == ErrorCode::unsupported)
      << to_string(out.error().code);
}

}  // namespace
}  // namespace media

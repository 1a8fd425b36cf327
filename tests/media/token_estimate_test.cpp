#include "media/token_estimate.h"

#include <gtest/gtest.h>

namespace media {

TEST(TokenEstimate, small_image_is_one_tile) {
  EXPECT_EQ(image_tokens(384, 384), 258);
  EXPECT_EQ(image_tokens(100, 50), 258);
}

TEST(TokenEstimate, large_images_follow_the_crop_unit_rule) {
  EXPECT_EQ(image_tokens(4000, 3000), 4 * 258);  // unit 2000: 2 x 2 tiles
  EXPECT_EQ(image_tokens(1920, 1080), 6 * 258);  // unit 720: 3 x 2 tiles
  EXPECT_EQ(image_tokens(768, 768), 4 * 258);    // unit 512: 2 x 2 tiles
  EXPECT_EQ(image_tokens(385, 100), 2 * 258);    // unit floored at 256: 2 x 1 tiles
}

TEST(TokenEstimate, empty_image_costs_nothing) {
  EXPECT_EQ(image_tokens(0, 10), 0);
}

TEST(TokenEstimate, audio_and_video_are_billed_per_second) {
  EXPECT_EQ(audio_tokens(10), 320);
  EXPECT_EQ(video_tokens(2), 600);
  EXPECT_EQ(audio_tokens(0), 0);
  EXPECT_EQ(text_tokens(400), 100);
}

}  // namespace media

// Still-image variants: the ones OpenCV 4.6 reads with care (CMYK, 16-bit, palette) and the
// ones it cannot read at all (GIF), which go through FFmpeg.
#include <gtest/gtest.h>

#include "media/normalizer.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::fixture;

class ImageFormats : public testing::TestWithParam<const char*> {};

TEST_P(ImageFormats, normalize_to_one_jpeg_with_the_original_size) {
  auto out = normalize_file(fixture(GetParam()), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::image);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].mime, "image/jpeg");
  EXPECT_EQ(out->parts[0].data.substr(0, 2), "\xFF\xD8");
  EXPECT_GT(*out->facts.width, 0);
  EXPECT_EQ(out->token_estimate, 258);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ImageFormats,
                         testing::Values("cmyk.jpg", "gray16.png", "palette.png", "still.gif"));

TEST(ImageFormatsGif, reports_the_gif_dimensions) {
  auto out = normalize_file(fixture("still.gif"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.width, 64);
  EXPECT_EQ(out->facts.height, 48);
}

}  // namespace
}  // namespace media

// HEIC and AVIF through libheif, on the fixtures of make_heif_fixtures and the shared corpus's
// iPhone photo: orientation applied, thumbnail taken only when it is big enough, alpha
// flattened, grids assembled, pixel limits checked before decoding.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "media/heif_decoder.h"
#include "media/normalizer.h"
#include "media/probe.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;
using test::read_bytes;

cv::Mat sent_image(const Normalized& out) {
  const std::string& jpeg = out.parts.at(0).data;
  const cv::Mat buffer(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data()));
  return cv::imdecode(buffer, cv::IMREAD_COLOR);
}

TEST(HeifDecoder, applies_the_rotation_stored_in_irot) {
  // Stored 160x96, left half red and right half blue, with irot for a 90-degree clockwise turn.
  auto out = normalize_file(fixture("rotated.heic"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.format, "heif");
  EXPECT_EQ(out->facts.width, 96);
  EXPECT_EQ(out->facts.height, 160);
  const cv::Mat image = sent_image(*out);
  ASSERT_EQ(image.cols, 96);
  ASSERT_EQ(image.rows, 160);
  const cv::Vec3b top = image.at<cv::Vec3b>(20, 48);
  const cv::Vec3b bottom = image.at<cv::Vec3b>(140, 48);
  EXPECT_GT(top[2], 150);  // red on top (BGR)
  EXPECT_LT(top[0], 100);
  EXPECT_GT(bottom[0], 150);  // blue below
  EXPECT_LT(bottom[2], 100);
}

TEST(HeifDecoder, takes_the_thumbnail_when_it_covers_the_target_size) {
  const std::string bytes = read_bytes(fixture("thumbnail.heic"));  // 1600x1200, thumb 512x384
  auto small = decode_heif(bytes, 384, Limits{}.max_pixels);
  ASSERT_TRUE(small) << small.error().detail;
  EXPECT_TRUE(small->from_thumbnail);
  EXPECT_EQ(small->image.cols, 512);
  EXPECT_EQ(small->width, 1600);  // the facts still describe the original
  EXPECT_EQ(small->height, 1200);

  auto large = decode_heif(bytes, 1024, Limits{}.max_pixels);
  ASSERT_TRUE(large) << large.error().detail;
  EXPECT_FALSE(large->from_thumbnail);
  EXPECT_EQ(large->image.cols, 1600);
}

TEST(HeifDecoder, flattens_avif_alpha_onto_white) {
  auto out = normalize_file(fixture("alpha.avif"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.format, "avif");
  EXPECT_EQ(out->facts.has_alpha, true);
  const cv::Mat image = sent_image(*out);
  const cv::Vec3b corner = image.at<cv::Vec3b>(2, 2);  // transparent there
  const cv::Vec3b centre = image.at<cv::Vec3b>(32, 32);
  EXPECT_GT(corner[0], 230);
  EXPECT_GT(corner[1], 230);
  EXPECT_GT(corner[2], 230);
  EXPECT_GT(centre[1], 120);  // the green disc
  EXPECT_LT(centre[2], 90);
}

TEST(HeifDecoder, refuses_too_many_pixels_from_the_header) {
  Limits limits;
  limits.max_pixels = 1000;  // rotated.heic is 96x160
  auto out = normalize_file(fixture("rotated.heic"), limits);
  EXPECT_EQ(error_code(out), ErrorCode::too_large);
}

TEST(HeifDecoder, assembles_the_iphone_grid_upright) {
  const std::string path = std::string(SIFTD_SHARED_DIR) + "/corpus/image/heif/sc_iphonex.heic";
  if (!std::ifstream(path)) GTEST_SKIP() << "no corpus at " << path;
  // A grid of HEVC tiles stored 4032x3024 with irot: shown 3024x4032.
  auto out = normalize_file(path, Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.width, 3024);
  EXPECT_EQ(out->facts.height, 4032);
  const cv::Mat image = sent_image(*out);
  EXPECT_EQ(image.rows, 384);
  EXPECT_EQ(image.cols, 288);
}

TEST(HeifDecoder, reports_a_broken_file_as_corrupt) {
  const std::string bytes = read_bytes(fixture("rotated.heic"));
  auto cut = decode_heif(bytes.substr(0, bytes.size() / 2), 384, Limits{}.max_pixels);
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().detail.find("libheif"), std::string::npos) << cut.error().detail;
}

TEST(HeifDecoder, a_heif_whose_major_brand_libmagic_does_not_know_is_still_read) {
  std::string bytes = read_bytes(fixture("rotated.heic"));
  bytes.replace(8, 4, "zzzz");  // the major brand; "mif1" and "heic" stay compatible brands
  auto probe = probe_bytes(bytes);
  ASSERT_TRUE(probe) << probe.error().detail;
  EXPECT_EQ(probe->format, "heif");
  EXPECT_EQ(probe->kind, Kind::image);
}

}  // namespace
}  // namespace media

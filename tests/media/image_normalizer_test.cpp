#include "media/image_normalizer.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "test_images.h"

namespace media {
namespace {

cv::Mat decode_part(const Normalized& normalized) {
  const auto& data = normalized.parts.at(0).data;
  const cv::Mat buffer(1, static_cast<int>(data.size()), CV_8U, const_cast<char*>(data.data()));
  return cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
}

}  // namespace

TEST(ImageNormalizer, fits_the_longest_side_and_estimates_tokens) {
  const auto jpeg = test::encode(test::half_black(4000, 3000), ".jpg");
  auto normalized = normalize_image(jpeg, "jpeg", Limits{});
  ASSERT_TRUE(normalized) << normalized.error().detail;
  const cv::Mat out = decode_part(*normalized);
  EXPECT_EQ(out.cols, 384);
  EXPECT_EQ(out.rows, 288);
  EXPECT_EQ(normalized->parts[0].mime, "image/jpeg");
  EXPECT_EQ(normalized->token_estimate, 258);
  EXPECT_EQ(normalized->naive_tokens, 1032);
  EXPECT_EQ(*normalized->facts.width, 4000);
  EXPECT_EQ(*normalized->facts.height, 3000);
}

TEST(ImageNormalizer, never_enlarges_a_small_image) {
  auto normalized =
      normalize_image(test::encode(test::half_black(40, 20), ".png"), "png", Limits{});
  ASSERT_TRUE(normalized);
  EXPECT_EQ(decode_part(*normalized).cols, 40);
}

TEST(ImageNormalizer, applies_exif_orientation) {
  // Orientation 6: the stored landscape picture is shown rotated 90 degrees clockwise, so the
  // black left half ends up on top.
  const auto jpeg =
      test::with_exif_orientation(test::encode(test::half_black(200, 100), ".jpg"), 6);
  auto normalized = normalize_image(jpeg, "jpeg", Limits{});
  ASSERT_TRUE(normalized) << normalized.error().detail;
  const cv::Mat out = decode_part(*normalized);
  ASSERT_EQ(out.cols, 100);
  ASSERT_EQ(out.rows, 200);
  EXPECT_LT(out.at<cv::Vec3b>(20, 50)[0], 40);    // top: black
  EXPECT_GT(out.at<cv::Vec3b>(180, 50)[0], 215);  // bottom: white
  EXPECT_EQ(*normalized->facts.orientation, 6);
  EXPECT_EQ(*normalized->facts.width, 100);
  EXPECT_EQ(*normalized->facts.height, 200);
}

TEST(ImageNormalizer, flattens_alpha_onto_white) {
  cv::Mat image(50, 50, CV_8UC4, cv::Scalar(0, 0, 0, 0));  // fully transparent black
  auto normalized = normalize_image(test::encode(image, ".png"), "png", Limits{});
  ASSERT_TRUE(normalized);
  EXPECT_TRUE(*normalized->facts.has_alpha);
  const cv::Mat out = decode_part(*normalized);
  ASSERT_EQ(out.channels(), 3);
  EXPECT_GT(out.at<cv::Vec3b>(25, 25)[1], 245);
}

TEST(ImageNormalizer, reads_16_bit_grayscale) {
  cv::Mat image(30, 60, CV_16UC1, cv::Scalar(65535));
  auto normalized = normalize_image(test::encode(image, ".png"), "png", Limits{});
  ASSERT_TRUE(normalized) << normalized.error().detail;
  const cv::Mat out = decode_part(*normalized);
  EXPECT_EQ(out.depth(), CV_8U);
  EXPECT_GT(out.at<unsigned char>(10, 10), 245);
}

TEST(ImageNormalizer, refuses_a_pixel_bomb_before_decoding) {
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\0\0\0\x0dIHDR", 8);
  png += std::string("\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 13);
  auto normalized = normalize_image(png, "png", Limits{});
  ASSERT_FALSE(normalized);
  EXPECT_EQ(normalized.error().code, ErrorCode::too_large);
}

TEST(ImageNormalizer, reports_corrupt_input) {
  std::string jpeg = test::encode(test::half_black(100, 100), ".jpg");
  jpeg.resize(200);
  jpeg.replace(150, 50, std::string(50, '\x55'));
  auto normalized = normalize_image(jpeg, "jpeg", Limits{});
  if (!normalized) {
    EXPECT_EQ(normalized.error().code, ErrorCode::corrupt);
  }  // a decoder may recover a grey partial image; that is a result, not a crash
  auto garbage = normalize_image("not an image at all", "jpeg", Limits{});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::corrupt);
}

}  // namespace media

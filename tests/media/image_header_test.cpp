#include "media/image_header.h"

#include <gtest/gtest.h>

#include "test_images.h"

namespace media {

TEST(ImageHeader, reads_png_and_jpeg_dimensions_without_decoding) {
  const cv::Mat image = test::half_black(120, 80);
  const auto png = read_image_header(test::encode(image, ".png"));
  ASSERT_TRUE(png);
  EXPECT_EQ(png->format, "png");
  EXPECT_EQ(png->width, 120);
  EXPECT_EQ(png->height, 80);
  const auto jpeg = read_image_header(test::encode(image, ".jpg"));
  ASSERT_TRUE(jpeg);
  EXPECT_EQ(jpeg->format, "jpeg");
  EXPECT_EQ(jpeg->width, 120);
  EXPECT_EQ(jpeg->height, 80);
  EXPECT_EQ(jpeg->orientation, 1);
}

TEST(ImageHeader, reads_exif_orientation) {
  const auto jpeg = test::with_exif_orientation(test::encode(test::half_black(64, 32), ".jpg"), 6);
  const auto header = read_image_header(jpeg);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->orientation, 6);
  EXPECT_EQ(header->width, 64);
}

TEST(ImageHeader, declares_a_huge_png_from_its_ihdr_alone) {
  // An IHDR claiming 30000 x 30000 with nothing after it.
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\0\0\0\x0dIHDR", 8);
  png += std::string("\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 13);
  const auto header = read_image_header(png);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->width, 30000);
  EXPECT_EQ(header->height, 30000);
}

TEST(ImageHeader, an_orientation_outside_1_to_8_reads_as_none) {
  // A little-endian TIFF whose one tag is Orientation (274, SHORT) = 9 (found by fuzzing).
  const std::string tiff("II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x09\0\0\0", 22);
  const auto header = read_image_header(tiff);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->orientation, 1);
  EXPECT_EQ(exif_orientation(tiff), 1);
}

TEST(ImageHeader, gives_nothing_for_truncated_or_unknown_bytes) {
  EXPECT_FALSE(read_image_header(""));
  EXPECT_FALSE(read_image_header("\xFF\xD8\xFF"));
  EXPECT_FALSE(read_image_header("hello world, not an image"));
}

}  // namespace media

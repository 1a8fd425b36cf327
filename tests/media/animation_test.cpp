// Animated WebP (libwebp's demuxer), GIF and APNG (FFmpeg): frames sampled over one loop into a
// contact sheet, with `frames` and `duration_ms` in the facts.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "media/animation.h"
#include "media/normalizer.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::fixture;

// Whether the sheet shows a colour (BGR) somewhere: each frame of the fixtures is one colour.
bool shows(const cv::Mat& sheet, const cv::Vec3b& colour) {
  for (int y = 0; y < sheet.rows; y += 2) {
    for (int x = 0; x < sheet.cols; x += 2) {
      const cv::Vec3b pixel = sheet.at<cv::Vec3b>(y, x);
      if (cv::norm(cv::Vec3i(pixel) - cv::Vec3i(colour)) < 60) return true;
    }
  }
  return false;
}

class Animations : public testing::TestWithParam<const char*> {};

TEST_P(Animations, become_one_contact_sheet_of_every_distinct_frame) {
  auto out = normalize_file(fixture(GetParam()), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::image);
  EXPECT_EQ(out->facts.width, 96);
  EXPECT_EQ(out->facts.height, 64);
  EXPECT_EQ(out->facts.frames, 4);
  EXPECT_EQ(out->facts.duration_ms, 1000);
  EXPECT_EQ(out->facts.frames_sampled, 4);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].label.rfind("contact sheet of 4 frames", 0), 0u) << out->parts[0].label;
  const std::string& jpeg = out->parts[0].data;
  const cv::Mat sheet =
      cv::imdecode(cv::Mat(1, static_cast<int>(jpeg.size()), CV_8U, const_cast<char*>(jpeg.data())),
                   cv::IMREAD_COLOR);
  EXPECT_TRUE(shows(sheet, {20, 20, 230}));   // red
  EXPECT_TRUE(shows(sheet, {20, 230, 20}));   // green
  EXPECT_TRUE(shows(sheet, {230, 20, 20}));   // blue
  EXPECT_TRUE(shows(sheet, {20, 230, 230}));  // yellow
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Animations,
                         testing::Values("anim.webp", "anim.gif", "anim.png"));

TEST(Animation, a_still_gif_stays_one_picture) {
  auto out = normalize_file(fixture("still.gif"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.frames, 1);
  EXPECT_FALSE(out->facts.duration_ms);
  EXPECT_EQ(out->parts[0].label, "64x48");
}

TEST(Animation, keeps_the_frame_shown_at_each_point_of_the_loop) {
  // Frames start at 0, 100, 900 ms of a 1000 ms loop; 4 points at 125, 375, 625, 875 ms.
  EXPECT_EQ(frames_to_keep({0, 100, 900}, 1000, 4), (std::vector<std::size_t>{1}));
  EXPECT_EQ(frames_to_keep({0, 250, 500, 750}, 1000, 4), (std::vector<std::size_t>{0, 1, 2, 3}));
  // No timing at all: spread by index.
  EXPECT_EQ(frames_to_keep({0, 0, 0, 0, 0, 0, 0, 0}, 0, 2), (std::vector<std::size_t>{2, 6}));
  EXPECT_TRUE(frames_to_keep({}, 0, 6).empty());
}

TEST(Animation, tells_animated_webp_and_apng_from_their_headers) {
  auto read = [](const std::string& name) { return test::read_bytes(fixture(name)); };
  EXPECT_TRUE(is_animated(read("anim.webp"), "webp"));
  EXPECT_TRUE(is_animated(read("anim.png"), "png"));
  EXPECT_FALSE(is_animated(read("palette.png"), "png"));
}

TEST(Animation, the_frame_count_respects_a_smaller_sample) {
  Limits limits;
  limits.video_frames = 2;
  auto out = normalize_file(fixture("anim.webp"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.frames, 4);
  EXPECT_EQ(out->facts.frames_sampled, 2);
}

}  // namespace
}  // namespace media

// Camera RAW through libraw, on the DNGs of make_dng_fixtures: the JPEG preview when it covers
// the target, a half-size decode otherwise, the camera and its clock in the facts.
#include <gtest/gtest.h>

#include "media/image_header.h"
#include "media/normalizer.h"
#include "media/raw_decoder.h"
#include "media/worker_pool.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;
using test::read_bytes;

TEST(RawDecoder, sends_the_embedded_preview_of_a_dng) {
  const std::string bytes = read_bytes(fixture("camera.dng"));  // 512x384 preview, 160x120 CFA
  auto picture = decode_raw(bytes, 384, Limits{}.max_pixels, 10'000);
  ASSERT_TRUE(picture) << picture.error().detail;
  EXPECT_TRUE(picture->from_preview);
  EXPECT_EQ(picture->image.cols, 512);
  EXPECT_EQ(picture->image.rows, 384);
}

TEST(RawDecoder, demosaics_at_half_size_when_the_preview_is_too_small) {
  const std::string bytes = read_bytes(fixture("camera.dng"));
  auto picture = decode_raw(bytes, 1024, Limits{}.max_pixels, 10'000);
  ASSERT_TRUE(picture) << picture.error().detail;
  EXPECT_FALSE(picture->from_preview);
  EXPECT_EQ(picture->image.cols, 80);  // half of the 160x120 sensor
  EXPECT_EQ(picture->image.rows, 60);
}

TEST(RawDecoder, normalizes_a_dng_with_its_camera_and_capture_time) {
  auto out = normalize_file(fixture("camera.dng"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::image);
  EXPECT_EQ(out->facts.format, "dng");
  EXPECT_EQ(out->facts.camera_make, "Siftd");
  EXPECT_EQ(out->facts.camera_model, "Test Camera DNG");
  EXPECT_EQ(out->facts.capture_time, "2024-05-17T14:03:21");
  EXPECT_EQ(out->facts.width, 160);
  EXPECT_EQ(out->facts.height, 120);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].label, "384x288");
}

TEST(RawDecoder, normalizes_a_dng_without_a_preview) {
  auto out = normalize_file(fixture("camera_raw_only.dng"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.format, "dng");
  EXPECT_EQ(out->facts.camera_model, "Test Camera DNG");
  EXPECT_EQ(out->parts[0].label, "64x48");
}

TEST(RawDecoder, refuses_too_many_sensor_pixels_before_decoding) {
  Limits limits;
  limits.max_pixels = 10'000;  // the sensor is 160x120
  EXPECT_EQ(error_code(normalize_file(fixture("camera.dng"), limits)), ErrorCode::too_large);
}

TEST(RawDecoder, a_cut_dng_is_an_error_not_a_crash) {
  const std::string bytes = read_bytes(fixture("camera_raw_only.dng"));
  auto picture = decode_raw(bytes.substr(0, 600), 384, Limits{}.max_pixels, 10'000);
  EXPECT_FALSE(picture);
}

// libraw (with its OpenMP runtime) under the worker's seccomp filter and RLIMIT_AS.
TEST(RawDecoder, decodes_both_ways_inside_the_sandboxed_worker) {
  auto pool = WorkerPool::create(WorkerPoolOptions{SIFTD_MEDIA_TEST_WORKER, 1});
  ASSERT_TRUE(pool) << pool.error().detail;
  for (const char* name : {"camera.dng", "camera_raw_only.dng"}) {
    auto out = (*pool)->normalize(fixture(name), Limits{});
    ASSERT_TRUE(out) << name << ": " << out.error().detail;
    EXPECT_EQ(out->facts.camera_make, "Siftd") << name;
  }
}

TEST(RawDecoder, tells_a_camera_tiff_from_a_plain_one) {
  const auto dng = read_image_header(read_bytes(fixture("camera.dng")));
  ASSERT_TRUE(dng);
  EXPECT_TRUE(dng->camera_raw);
  EXPECT_TRUE(has_raw_signature(std::string_view("IIU\0\x18\0\0\0", 8)));
  EXPECT_TRUE(
      has_raw_signature(std::string_view("\0\0\0\x18"
                                         "ftypcrx \0\0\0\x01",
                                         16)));
  EXPECT_FALSE(has_raw_signature(std::string_view("II*\0\x08\0\0\0", 8)));
}

}  // namespace
}  // namespace media

// Files cut off the way uploads and copies get cut: normalize_file (what each worker runs)
// says `truncated` with what is missing, while the whole file still normalizes, and whole files
// with trailing bytes or streaming placeholders are never taken for cut ones.
#include "media/truncation.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "../temp_dir.h"
#include "media/normalizer.h"
#include "media_fixtures.h"
#include "test_images.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;

// A noisy 2400x1600 "photo", the same bytes on every run.
std::string large_photo_jpeg() {
  cv::Mat image(1600, 2400, CV_8UC3);
  cv::RNG rng(16);
  rng.fill(image, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(image, image, cv::Size(0, 0), 5);
  return test::encode(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 85});
}

std::string noisy_png() {
  cv::Mat image(480, 640, CV_8UC3);
  cv::RNG rng(7);
  rng.fill(image, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
  return test::encode(image, ".png");
}

class Truncation : public ::testing::Test {
 protected:
  // Normalizes `bytes` written to a file, as the worker would.
  Result<Normalized> normalize(const std::string& name, const std::string& bytes) {
    const std::string path = m_dir / name;
    siftd_test::write_file(path, bytes);
    return normalize_file(path, Limits{});
  }

  siftd_test::TempDir m_dir;
};

TEST_F(Truncation, a_jpeg_cut_at_5000_bytes_is_truncated_not_filled_grey) {
  const std::string photo = large_photo_jpeg();
  ASSERT_GT(photo.size(), 50'000u);
  auto whole = normalize("whole.jpg", photo);
  ASSERT_TRUE(whole) << whole.error().detail;

  auto cut = normalize("cut.jpg", photo.substr(0, 5000));
  ASSERT_EQ(error_code(cut), ErrorCode::truncated);
  EXPECT_NE(cut.error().detail.find("Premature end of JPEG file"), std::string::npos)
      << cut.error().detail;
}

TEST_F(Truncation, a_png_without_iend_or_with_a_short_idat_is_truncated) {
  const std::string png = noisy_png();
  ASSERT_EQ(png.substr(png.size() - 8, 4), "IEND");
  ASSERT_TRUE(normalize("whole.png", png));

  auto no_end = normalize("no-iend.png", png.substr(0, png.size() - 12));
  ASSERT_EQ(error_code(no_end), ErrorCode::truncated);
  EXPECT_NE(no_end.error().detail.find("IEND"), std::string::npos) << no_end.error().detail;

  auto short_data = normalize("short-idat.png", png.substr(0, png.size() / 2));
  ASSERT_EQ(error_code(short_data), ErrorCode::truncated);
  EXPECT_NE(short_data.error().detail.find("short IDAT"), std::string::npos)
      << short_data.error().detail;
}

TEST_F(Truncation, an_mp4_cut_in_half_is_truncated) {
  const std::string video = siftd_test::read_file(fixture("pattern.mp4"));
  auto cut = normalize("half.mp4", video.substr(0, video.size() / 2));
  ASSERT_EQ(error_code(cut), ErrorCode::truncated);
  EXPECT_NE(cut.error().detail.find("mdat"), std::string::npos) << cut.error().detail;
}

TEST_F(Truncation, a_pdf_cut_before_its_trailer_is_truncated) {
  const std::string pdf = siftd_test::read_file(fixture("text.pdf"));
  const auto table = pdf.rfind("\nxref");
  ASSERT_NE(table, std::string::npos);
  auto cut = normalize("cut.pdf", pdf.substr(0, table + 1));
  ASSERT_EQ(error_code(cut), ErrorCode::truncated);
  EXPECT_NE(cut.error().detail.find("trailer"), std::string::npos) << cut.error().detail;
}

TEST_F(Truncation, a_wav_cut_short_is_truncated) {
  const std::string wav = siftd_test::read_file(fixture("silence.wav"));
  auto cut = normalize("cut.wav", wav.substr(0, wav.size() / 2));
  ASSERT_EQ(error_code(cut), ErrorCode::truncated);
  EXPECT_NE(cut.error().detail.find("data chunk"), std::string::npos) << cut.error().detail;
}

TEST_F(Truncation, an_mp3_whose_header_counts_missing_frames_is_truncated) {
  const std::string mp3 = siftd_test::read_file(fixture("tone.mp3"));
  auto cut = normalize("cut.mp3", mp3.substr(0, mp3.size() / 2));
  ASSERT_EQ(error_code(cut), ErrorCode::truncated);
  EXPECT_NE(cut.error().detail.find("the audio stream ends at"), std::string::npos)
      << cut.error().detail;
}

TEST(TruncationCheck, whole_files_with_trailing_bytes_or_streaming_sizes_are_complete) {
  const std::string garbage(11'000, '\x5A');
  EXPECT_TRUE(check_complete(large_photo_jpeg() + garbage));
  EXPECT_TRUE(check_complete(noisy_png() + std::string(64, '\0')));
  // A PDF with bytes after %%EOF, as mail gateways and broken uploaders leave them.
  EXPECT_TRUE(check_complete(siftd_test::read_file(fixture("text.pdf")) + garbage));
  // A WAV written to a pipe cannot know its sizes and leaves 0xFFFFFFFF.
  std::string streamed = siftd_test::read_file(fixture("silence.wav")).substr(0, 1000);
  streamed.replace(4, 4, "\xFF\xFF\xFF\xFF");
  streamed.replace(40, 4, "\xFF\xFF\xFF\xFF");
  EXPECT_TRUE(check_complete(streamed));
  EXPECT_TRUE(check_complete(siftd_test::read_file(fixture("pattern.mp4"))));
}

TEST(TruncationCheck, damaged_bytes_are_left_to_the_decoder) {
  // JPEG magic followed by noise: corrupt, not cut.
  std::string noise = "\xFF\xD8\xFF\xE0";
  for (int i = 0; i < 2000; ++i) noise.push_back(static_cast<char>((i * 7919) % 251));
  EXPECT_TRUE(check_complete(noise));
  // A PNG whose chunk name is garbage: corrupt, not cut.
  std::string png = noisy_png();
  png.replace(8 + 25 + 4, 4, "\x01\x02\x03\x04");
  EXPECT_TRUE(check_complete(png));
  // Formats it does not frame.
  EXPECT_TRUE(check_complete("GIF89a"));
  EXPECT_TRUE(check_complete(""));
}

}  // namespace
}  // namespace media

// OCR with Tesseract in the worker: a screen capture and a scanned page are read, a photo is
// not, the time cap and the switch hold, and the engine works under the worker's sandbox.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image_normalizer.h"
#include "media/normalizer.h"
#include "media/ocr.h"
#include "media/worker_pool.h"
#include "media_fixtures.h"
#include "test_images.h"

namespace media {
namespace {

using test::fixture;

bool mentions(const std::string& text, const std::string& words) {
  return text.find(words) != std::string::npos;
}

TEST(Ocr, reads_the_text_of_an_error_dialog) {
  auto out = normalize_file(fixture("error_dialog.png"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_TRUE(mentions(out->facts.ocr_text, "could not be saved")) << out->facts.ocr_text;
  EXPECT_TRUE(mentions(out->facts.ocr_text, "Access denied")) << out->facts.ocr_text;
}

TEST(Ocr, reads_a_scanned_pdf_page) {
  auto out = normalize_file(fixture("scan_text.pdf"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.text_chars, 0u);  // no text layer
  EXPECT_TRUE(mentions(out->facts.ocr_text, "Invoice page 1")) << out->facts.ocr_text;
  ASSERT_FALSE(out->parts.empty());
  EXPECT_EQ(out->parts.back().label, "page 1, 271x384");  // still sent at the image budget
}

TEST(Ocr, is_off_when_its_time_is_zero) {
  Limits limits;
  limits.ocr_ms = 0;
  auto out = normalize_file(fixture("error_dialog.png"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_TRUE(out->facts.ocr_text.empty());
}

TEST(Ocr, leaves_colourful_photos_alone) {
  // Saturated noise: nothing like paper or a screen.
  cv::Mat photo(600, 800, CV_8UC3);
  cv::randu(photo, cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_FALSE(may_hold_text(photo, false));
  EXPECT_TRUE(may_hold_text(photo, true));  // a lossless capture is always read
  const cv::Mat paper(600, 800, CV_8UC3, cv::Scalar(235, 238, 240));
  EXPECT_TRUE(may_hold_text(paper, false));
  EXPECT_FALSE(may_hold_text(cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(255)), true));  // an icon
}

TEST(Ocr, reads_a_photographed_page_from_its_jpeg) {
  // The JPEG is decoded at 1/4 for the 384 px budget; OCR needs it again at its own size.
  const cv::Mat page = cv::imread(fixture("error_dialog.png"));
  cv::Mat large;
  cv::resize(page, large, cv::Size(), 3.0, 3.0, cv::INTER_CUBIC);
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", large, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
  const std::string bytes(jpeg.begin(), jpeg.end());
  auto out = normalize_image(bytes, "jpeg", Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_TRUE(mentions(out->facts.ocr_text, "could not be saved")) << out->facts.ocr_text;
}

TEST(Ocr, reads_inside_the_sandboxed_worker) {
  auto pool = WorkerPool::create(WorkerPoolOptions{SIFTD_MEDIA_TEST_WORKER, 1});
  ASSERT_TRUE(pool) << pool.error().detail;
  for (int i = 0; i < 2; ++i) {  // the second file reuses the worker's loaded engine
    auto out = (*pool)->normalize(fixture("error_dialog.png"), Limits{});
    ASSERT_TRUE(out) << out.error().detail;
    EXPECT_TRUE(mentions(out->facts.ocr_text, "Access denied")) << out->facts.ocr_text;
  }
  EXPECT_LE((*pool)->stats().peak_worker_rss_kb, Limits{}.worker_memory_mb * 1024);
}

}  // namespace
}  // namespace media

#include "media/pdf_normalizer.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "media/normalizer.h"
#include "media_fixtures.h"

namespace media {
namespace {

using test::error_code;
using test::fixture;

TEST(PdfNormalizer, sends_the_text_of_the_first_pages_capped) {
  Limits limits;
  limits.pdf_text_pages = 2;
  limits.pdf_text_chars = 500;
  auto out = normalize_file(fixture("text.pdf"), limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::pdf);
  EXPECT_EQ(out->facts.pages, 3);
  EXPECT_EQ(out->facts.encrypted, false);
  EXPECT_GT(*out->facts.text_chars, 500u);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].type, PartType::text);
  EXPECT_EQ(out->parts[0].data.size(), 500u);
  EXPECT_NE(out->parts[0].data.find("Invoice page 1"), std::string::npos);
  EXPECT_EQ(out->token_estimate, 125);
  EXPECT_GT(out->naive_tokens, 3 * 258);
}

TEST(PdfNormalizer, renders_the_first_page_when_there_is_no_text) {
  auto out = normalize_file(fixture("scan.pdf"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->facts.pages, 1);
  EXPECT_EQ(out->facts.text_chars, 0u);
  ASSERT_EQ(out->parts.size(), 1u);
  EXPECT_EQ(out->parts[0].type, PartType::image);
  const Part& part = out->parts[0];
  const cv::Mat page = cv::imdecode(
      cv::Mat(1, static_cast<int>(part.data.size()), CV_8U, const_cast<char*>(part.data.data())),
      cv::IMREAD_COLOR);
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(std::max(page.cols, page.rows), 384);
  EXPECT_EQ(out->token_estimate, 258);
}

TEST(PdfNormalizer, says_encrypted_for_a_password_protected_file) {
  auto out = normalize_file(fixture("encrypted.pdf"), Limits{});
  EXPECT_EQ(error_code(out), ErrorCode::encrypted);
}

TEST(PdfNormalizer, refuses_documents_over_the_page_limit) {
  Limits limits;
  limits.pdf_max_pages = 2;
  auto out = normalize_pdf(fixture("text.pdf"), limits);
  EXPECT_EQ(error_code(out), ErrorCode::too_large);
}

TEST(PdfNormalizer, gives_a_typed_error_for_a_truncated_file) {
  auto out = normalize_file(fixture("truncated.pdf"), Limits{});
  EXPECT_EQ(error_code(out), ErrorCode::truncated);
}

}  // namespace
}  // namespace media

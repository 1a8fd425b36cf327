// The local backend's rules on facts alone: each named signal and what it decides.
#include "pipeline/decide/local_rules.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

media::Normalized image(const std::string& format, int width, int height) {
  media::Normalized input;
  input.kind = media::Kind::image;
  input.facts.format = format;
  input.facts.width = width;
  input.facts.height = height;
  input.facts.bytes = static_cast<std::uint64_t>(width) * height;  // not blank
  return input;
}

TEST(LocalRules, a_file_that_names_its_camera_is_a_photo) {
  auto input = image("dng", 160, 120);
  input.facts.camera_make = "Siftd";
  input.facts.camera_model = "Test Camera DNG";
  const Guess guess = guess_category(input);
  EXPECT_EQ(guess.category, "photo");
  EXPECT_GE(guess.confidence, 0.85);
  EXPECT_NE(guess.summary.find("Test Camera DNG"), std::string::npos) << guess.summary;
}

TEST(LocalRules, a_small_raw_without_its_camera_is_not_taken_for_a_photo) {
  EXPECT_NE(guess_category(image("dng", 160, 120)).category, "photo");
}

TEST(LocalRules, ocr_text_of_an_error_makes_an_error_screenshot) {
  auto input = image("png", 720, 240);
  input.facts.ocr_text = "Error\nThe file could not be saved.\nAccess denied: permission error 13.";
  EXPECT_EQ(guess_category(input).category, "screenshot_error");
}

TEST(LocalRules, ocr_text_of_a_bill_makes_an_invoice_of_a_photographed_page) {
  auto input = image("jpeg", 1200, 1600);
  input.facts.ocr_text = "INVOICE\nInvoice number 4411\nBill to: Example Ltd\nAmount due: 120.00";
  EXPECT_EQ(guess_category(input).category, "invoice");
}

TEST(LocalRules, ocr_text_that_decides_nothing_leaves_the_image_rules) {
  auto input = image("png", 1920, 1080);
  input.facts.ocr_text = "File Edit View Help";
  EXPECT_EQ(guess_category(input).category, "screenshot");
}

TEST(LocalRules, a_scanned_pdf_is_read_through_its_ocr_text) {
  media::Normalized input;
  input.kind = media::Kind::pdf;
  input.facts.pages = 1;
  input.facts.ocr_text = "Receipt\nSubtotal 9.20\nCash 10.00\nChange due 0.80";
  EXPECT_EQ(guess_category(input).category, "receipt");
}

}  // namespace
}  // namespace pipeline

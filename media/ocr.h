#pragma once
// Reads the text in an image with Tesseract (English, LSTM), inside the worker: at a reduced
// resolution, under a time cap, with the engine loaded once per worker process. Also decides
// which images are worth reading. Private to media/.

#include <string>

#include <opencv2/core.hpp>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

// Whether a decoded picture may hold text worth the OCR time: lossless captures (screens,
// scans saved as PNG) always; lossy photos only when they look like paper: mostly bright and
// colourless, as a page, a receipt or a screen is and a landscape or a face is not.
bool may_hold_text(const cv::Mat& bgr, bool lossless);

struct OcrOptions {
  int max_side = 1600;    // longest side the image is reduced to before reading
  int timeout_ms = 3000;  // Tesseract's own deadline; the words read by then are kept
  int max_chars = 4000;   // the text kept
};

// The text read, words separated by single spaces and lines by newlines; empty when Tesseract
// found nothing it was confident of. Fails only when the engine cannot start (no tessdata).
Result<std::string> read_text(const cv::Mat& bgr, const OcrOptions& options);

// The longest side an image is decoded or rendered at when it will be read.
constexpr int k_ocr_max_side = 1600;

// Reads an upright 8-bit BGR picture into facts.ocr_text when OCR is on (limits.ocr_ms > 0).
// Without an engine the text stays empty: the picture itself is still sent.
void add_ocr_text(const cv::Mat& bgr, const Limits& limits, Facts& facts);

}  // namespace media

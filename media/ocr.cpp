#include "media/ocr.h"

#include <sys/stat.h>
#include <algorithm>
#include <memory>

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <opencv2/imgproc.hpp>

#include "media/image_ops.h"

namespace media {
namespace {

// Where Debian's tesseract-ocr-eng puts its data (5.x, then 4.x's layout); found offline,
// never downloaded.
constexpr const char* k_tessdata_folders[] = {
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
};

// Below this mean word confidence (0..100) the "text" is what Tesseract makes of texture.
constexpr int k_min_confidence = 45;

std::string tessdata_folder() {
  for (const char* folder : k_tessdata_folders) {
    struct stat info {};
    if (::stat((std::string(folder) + "/eng.traineddata").c_str(), &info) == 0) return folder;
  }
  return "";
}

// Loading the English model takes longer than reading a page, and a worker lives for many
// files, so each thread keeps one engine (as probe.cpp keeps its libmagic handle).
tesseract::TessBaseAPI* thread_engine() {
  thread_local std::unique_ptr<tesseract::TessBaseAPI> engine = [] {
    const std::string folder = tessdata_folder();
    if (folder.empty()) return std::unique_ptr<tesseract::TessBaseAPI>();
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(folder.c_str(), "eng", tesseract::OEM_LSTM_ONLY) != 0) api.reset();
    return api;
  }();
  return engine.get();
}

// Tesseract's lines come with stray spaces and blank lines; the model and the rules want
// plain words.
std::string tidy(const std::string& text, int max_chars) {
  std::string out;
  bool space = false;
  bool newline = false;
  for (const char c : text) {
    if (c == '\n') {
      newline = !out.empty();
      space = false;
    } else if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
      space = !out.empty();
    } else {
      if (newline)
        out += '\n';
      else if (space)
        out += ' ';
      newline = space = false;
      out += c;
    }
    if (static_cast<int>(out.size()) >= max_chars) break;
  }
  // Never cut a UTF-8 character in two.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  return out;
}

// Decoders give gray, BGR or BGRA; OCR reads gray and the paper test reads colour.
cv::Mat converted(const cv::Mat& image, int gray_code, int bgra_code, int bgr_code) {
  if (image.channels() == 3 && bgr_code < 0) return image;
  if (image.channels() == 1 && gray_code < 0) return image;
  cv::Mat out;
  const int code = image.channels() == 1 ? gray_code : image.channels() == 4 ? bgra_code : bgr_code;
  cv::cvtColor(image, out, code);
  return out;
}

}  // namespace

bool may_hold_text(const cv::Mat& bgr, bool lossless) {
  // Under this many pixels a side a picture is an icon or a swatch, not a line of text.
  constexpr int k_min_side = 32;
  if (bgr.empty() || std::min(bgr.cols, bgr.rows) < k_min_side) return false;
  if (lossless) return true;
  cv::Mat small;
  cv::resize(converted(bgr, cv::COLOR_GRAY2BGR, cv::COLOR_BGRA2BGR, -1), small, cv::Size(64, 64), 0,
             0, cv::INTER_AREA);
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  int paper = 0;
  for (int y = 0; y < hsv.rows; ++y) {
    for (int x = 0; x < hsv.cols; ++x) {
      const cv::Vec3b pixel = hsv.at<cv::Vec3b>(y, x);
      if (pixel[1] < 50 && pixel[2] > 150) ++paper;
    }
  }
  return paper * 2 >= hsv.rows * hsv.cols;
}

void add_ocr_text(const cv::Mat& bgr, const Limits& limits, Facts& facts) {
  if (limits.ocr_ms <= 0 || bgr.empty()) return;
  OcrOptions options;
  options.max_side = k_ocr_max_side;
  options.timeout_ms = limits.ocr_ms;
  if (auto text = read_text(bgr, options)) facts.ocr_text = std::move(*text);
}

Result<std::string> read_text(const cv::Mat& bgr, const OcrOptions& options) {
  tesseract::TessBaseAPI* engine = thread_engine();
  if (!engine) {
    return fail(ErrorCode::unsupported,
                "OCR needs Tesseract's English data (tesseract-ocr-eng); none was found");
  }
  const cv::Mat gray = converted(fit_longest_side(bgr, options.max_side), -1, cv::COLOR_BGRA2GRAY,
                                 cv::COLOR_BGR2GRAY);
  engine->SetPageSegMode(tesseract::PSM_AUTO);
  engine->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  // Without a resolution Tesseract guesses one and says so on stderr for every image.
  engine->SetSourceResolution(150);
  tesseract::ETEXT_DESC monitor;
  monitor.set_deadline_msecs(options.timeout_ms);
  // Past the deadline Recognize() gives up on the words left; those it read stay readable.
  engine->Recognize(&monitor);
  std::string text;
  if (engine->MeanTextConf() >= k_min_confidence) {
    const std::unique_ptr<char[]> raw(engine->GetUTF8Text());
    if (raw) text = tidy(raw.get(), options.max_chars);
  }
  engine->Clear();
  return text;
}

}  // namespace media

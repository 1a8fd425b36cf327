#include "pipeline/decide/local_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace pipeline {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string all_text(const media::Normalized& input) {
  std::string text;
  for (const auto& part : input.parts) {
    if (part.type == media::PartType::text) text += part.data + "\n";
  }
  return lower(text);
}

int count_terms(const std::string& text, std::initializer_list<std::string_view> terms) {
  int hits = 0;
  for (const auto term : terms) {
    if (text.find(term) != std::string::npos) ++hits;
  }
  return hits;
}

bool is_screen_size(int width, int height) {
  static constexpr std::array<std::pair<int, int>, 14> k_screens = {{
      {1280, 720},
      {1280, 800},
      {1280, 1024},
      {1366, 768},
      {1440, 900},
      {1536, 864},
      {1600, 900},
      {1680, 1050},
      {1920, 1080},
      {1920, 1200},
      {2560, 1440},
      {2560, 1600},
      {2880, 1800},
      {3840, 2160},
  }};
  for (const auto& [w, h] : k_screens) {
    if ((width == w && height == h) || (width == h && height == w)) return true;
  }
  return false;
}

std::string size_text(const media::Facts& facts) {
  if (!facts.width || !facts.height) return "";
  return " " + std::to_string(*facts.width) + "x" + std::to_string(*facts.height);
}

Guess from_text(const std::string& text, const std::string& what) {
  const int invoice = count_terms(text, {"invoice", "amount due", "total due", "bill to",
                                         "invoice number", "due date", "payment terms"});
  const int receipt = count_terms(text, {"receipt", "thank you for your purchase", "cash",
                                         "change due", "card payment", "subtotal"});
  if (invoice >= 2 && invoice > receipt)
    return {"invoice", 0.8, what + " that reads as an invoice"};
  if (receipt >= 2) return {"receipt", 0.75, what + " that reads as a receipt"};
  if (invoice == 1) return {"invoice", 0.5, what + " that mentions an invoice"};
  if (receipt == 1) return {"receipt", 0.45, what + " that mentions a receipt"};
  return {"document", 0.7, what + " with text"};
}

Guess image_guess(const media::Facts& facts) {
  const int width = facts.width.value_or(0);
  const int height = facts.height.value_or(0);
  const bool lossless = facts.format == "png" || facts.format == "bmp" || facts.format == "gif";
  const double aspect = width > 0 ? static_cast<double>(height) / width : 0;
  const std::string size = size_text(facts);
  // A camera RAW file names the camera that made it: a photograph, whatever it shows.
  if (!facts.camera_make.empty() || !facts.camera_model.empty()) {
    return {"photo", 0.9,
            "a camera RAW file from " + facts.camera_make + " " + facts.camera_model + size};
  }
  // A till roll is long and narrow. So is a phone's screen, but that comes as a lossless
  // capture, where a receipt is photographed.
  if (aspect >= 2.2 && width <= 1200) {
    if (!lossless)
      return {"receipt", 0.65, "a tall narrow photograph" + size + ", shaped like a receipt"};
    return {"receipt", 0.5, "a tall narrow image" + size + ", shaped like a receipt"};
  }
  if (lossless && is_screen_size(width, height)) {
    return {"screenshot", 0.75, "a " + facts.format + " image at a screen size" + size};
  }
  if (facts.format == "jpeg" &&
      (facts.orientation.value_or(1) != 1 || std::max(width, height) >= 1000)) {
    return {"photo", 0.8, "a JPEG photograph" + size};
  }
  // Almost no compressed bytes for its pixels: a blank or nearly uniform image.
  const double pixels = static_cast<double>(width) * height;
  if (pixels > 0 && static_cast<double>(facts.bytes) / pixels < 0.01) {
    return {"other", 0.25, "a nearly blank image" + size};
  }
  if (lossless) return {"screenshot", 0.6, "a " + facts.format + " image" + size};
  if (facts.format == "jpeg" || facts.format == "heif" || facts.format == "webp") {
    return {"photo", 0.65, "a " + facts.format + " image" + size};
  }
  return {"other", 0.4, "an image" + size};
}

// Text OCR read in a picture, when it says what the picture is: a bill, a till receipt, or an
// error message on a screen. Nothing when the words decide nothing.
std::optional<Guess> text_in_image(const media::Facts& facts) {
  const std::string text = lower(facts.ocr_text);
  if (text.empty()) return std::nullopt;
  const int errors = count_terms(text, {"error", "failed", "exception", "not responding",
                                        "cannot be", "could not", "denied", "fatal", "crash"});
  if (errors >= 2) return Guess{"screenshot_error", 0.8, "an image whose text reads as an error"};
  const Guess read = from_text(text, "an image");
  if (read.category == "invoice" || read.category == "receipt") {
    if (read.confidence >= 0.7) return read;
  }
  return std::nullopt;
}

Guess audio_guess(const media::Facts& facts) {
  const double seconds = facts.duration_s.value_or(0);
  const double silence = facts.silence_ratio.value_or(0);
  const double loudness = facts.loudness_dbfs.value_or(-20);
  const std::string length = std::to_string(static_cast<int>(seconds)) + " s";
  // Next to nothing to hear: a person should look, not a folder rule.
  if (silence >= 0.75 || loudness < -35)
    return {"other", 0.25, "audio that is almost silent, " + length};
  // Music and noise rarely fall silent; mastered music is also loud, where a voice note
  // recorded on a phone sits around -20 dBFS.
  if (silence < 0.05) return {"music", 0.7, "continuous audio without pauses, " + length};
  if (loudness > -14 && silence < 0.2)
    return {"music", 0.6, "loud audio with few pauses, " + length};
  // Speech pauses between phrases, for a fifth to a half of the time.
  if (silence >= 0.15 && silence <= 0.5 && seconds <= 600) {
    return {"audio_note", 0.7, "speech-like audio with pauses, " + length};
  }
  if (silence > 0.5) return {"audio_note", 0.4, "sparse audio, mostly pauses, " + length};
  return {"audio_note", 0.45, "audio, " + length};
}

}  // namespace

Guess guess_category(const media::Normalized& input) {
  switch (input.kind) {
    case media::Kind::image: {
      if (auto read = text_in_image(input.facts)) return *read;
      return image_guess(input.facts);
    }
    case media::Kind::audio: return audio_guess(input.facts);
    case media::Kind::video:
      return {"video", 0.8,
              "a video" + size_text(input.facts) + ", " +
                  std::to_string(static_cast<int>(input.facts.duration_s.value_or(0))) + " s"};
    case media::Kind::pdf: {
      // A scan has no text layer; what OCR read on its first page stands in for it.
      const std::string text = all_text(input) + lower(input.facts.ocr_text);
      const std::string pages = std::to_string(input.facts.pages.value_or(0));
      if (text.size() < 40)
        return {"document", 0.6, "a PDF of " + pages + " pages with little text (a scan)"};
      return from_text(text, "a PDF of " + pages + " pages");
    }
  }
  return {"other", 0.3, "unrecognised input"};
}

}  // namespace pipeline

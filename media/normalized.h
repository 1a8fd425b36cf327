#pragma once
// The Normalized value: what one input file becomes before it is sent to a model.
// Parts are the payload (text, a compact image, a short audio clip); facts describe the
// original. It knows nothing of models, jobs or the journal.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace media {

enum class Kind { image, audio, video, pdf };

enum class PartType { text, image, audio };

struct Part {
  PartType type = PartType::text;
  std::string mime;   // "text/plain", "image/jpeg", "audio/wav", "audio/mpeg"
  std::string data;   // the text itself, or the encoded bytes
  std::string label;  // what the part shows: "page 1 text", "contact sheet", "excerpt 0-15s"
};

// Facts about the original file. Every field a kind does not have stays empty.
struct Facts {
  std::string format;  // container or codec family found by probing: "jpeg", "png", "mp4", "pdf"
  std::string mime;    // as libmagic names it
  std::uint64_t bytes = 0;
  std::optional<int> width;
  std::optional<int> height;
  std::optional<int> orientation;  // EXIF orientation 1..8, when present
  std::optional<bool> has_alpha;
  std::optional<double> duration_s;
  std::optional<double> frame_rate;
  std::optional<int> frames_sampled;
  std::optional<int> frames;                // frames of an animated image (WebP, GIF, APNG)
  std::optional<std::int64_t> duration_ms;  // one loop of an animated image
  std::string video_codec;
  std::string audio_codec;
  std::optional<bool> has_audio;
  std::optional<int> channels;
  std::optional<int> sample_rate;
  std::optional<double> loudness_dbfs;  // mean level of the non-silent audio
  std::optional<double> silence_ratio;  // 0..1 share of the audio under the silence floor
  std::optional<int> pages;
  std::optional<bool> encrypted;
  std::optional<bool> damaged;
  std::string title;
  std::string author;
  std::string producer;
  std::optional<std::uint64_t> text_chars;  // characters of text extracted, before capping
  std::string camera_make;                  // camera RAW: the maker and model libraw read
  std::string camera_model;
  std::string capture_time;  // camera RAW: "2024-05-17T14:03:21", the camera's clock
  std::string ocr_text;      // text Tesseract read in an image or a scanned page (capped)
};

struct Normalized {
  Kind kind = Kind::image;
  Facts facts;
  std::vector<Part> parts;
  int token_estimate = 0;  // prompt tokens the parts cost
  int naive_tokens = 0;    // what sending the original as-is would cost
};

// An image value whose facts describe an original already standing upright (the decoder
// applied its orientation): format, size in bytes, shown width and height, alpha.
Normalized upright_image(const std::string& format, std::uint64_t bytes, int width, int height,
                         bool has_alpha);

std::string to_string(Kind kind);
std::optional<Kind> parse_kind(std::string_view text);
std::string to_string(PartType type);

}  // namespace media

#include "media/image_normalizer.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/animation.h"
#include "media/ffmpeg_support.h"
#include "media/heif_decoder.h"
#include "media/image_header.h"
#include "media/image_ops.h"
#include "media/ocr.h"
#include "media/raw_decoder.h"
#include "media/token_estimate.h"

namespace media {
namespace {

bool is_heif_family(const std::string& format) {
  return format == "heif" || format == "avif";
}

Result<cv::Mat> decode_with_ffmpeg(const std::string& bytes, const std::string& format,
                                   const Limits& limits) {
  auto frame = decode_first_frame(bytes, format, limits.max_pixels,
                                  Deadline::after_ms(limits.decode_timeout_ms));
  if (!frame) return tl::unexpected(frame.error());
  cv::Mat view(frame->height, frame->width, CV_8UC3, frame->pixels.data());
  return view.clone();
}

Result<cv::Mat> decode(const std::string& bytes, const std::optional<ImageHeader>& header,
                       const std::string& format, const Limits& limits) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  int flags = cv::IMREAD_UNCHANGED;
  if (header && header->format == "jpeg") {
    flags = jpeg_read_flag(std::max(header->width, header->height), limits.image_max_side) |
            cv::IMREAD_IGNORE_ORIENTATION;
  }
  cv::Mat image;
  try {
    image = cv::imdecode(buffer, flags);
  } catch (const cv::Exception& e) {
    // Under the worker's RLIMIT_AS a too-large picture shows up as a failed allocation.
    if (e.code == cv::Error::StsNoMem) {
      return fail(ErrorCode::too_large, "decoding needs more memory than the worker may use");
    }
    return fail(ErrorCode::corrupt, std::string("image decoder: ") + e.what());
  }
  if (!image.empty()) return image;
  // 12-bit JPEG and other variants OpenCV refuses may still have a first frame FFmpeg can
  // decode; OpenCV's verdict stands when FFmpeg cannot either.
  if (auto frame = decode_with_ffmpeg(bytes, format, limits); frame) return frame;
  return fail(ErrorCode::corrupt, "the " + format + " decoder could not read it");
}

std::uint32_t little_endian32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

// A BMP may carry a whole JPEG or PNG as its pixel data (compression 4 or 5), which neither
// OpenCV nor FFmpeg unwraps; the embedded stream is an ordinary image.
std::optional<std::string> embedded_bmp_payload(const std::string& bytes) {
  if (bytes.size() < 54 || bytes.compare(0, 2, "BM") != 0) return std::nullopt;
  const std::uint32_t compression = little_endian32(bytes, 30);
  const std::uint32_t offset = little_endian32(bytes, 10);
  if ((compression != 4 && compression != 5) || offset >= bytes.size()) return std::nullopt;
  return bytes.substr(offset);
}

// The common tail: alpha flattened onto white, shrunk to the budget, encoded; `out` already
// holds the facts of the original.
Result<Normalized> encode_sent_image(cv::Mat image, Normalized out, const Limits& limits) {
  image = flatten_alpha(to_8bit(image));
  image = fit_longest_side(image, limits.image_max_side);
  auto jpeg = encode_jpeg(image, limits.jpeg_quality);
  if (!jpeg) return tl::unexpected(jpeg.error());
  out.parts.push_back(Part{PartType::image, "image/jpeg", std::move(*jpeg),
                           std::to_string(image.cols) + "x" + std::to_string(image.rows)});
  out.token_estimate = image_tokens(image.cols, image.rows);
  out.naive_tokens =
      image_tokens(out.facts.width.value_or(image.cols), out.facts.height.value_or(image.rows));
  return out;
}

// HEIC and AVIF: libheif already applied the orientation, so the picture stands as shown.
Result<Normalized> normalize_heif(const std::string& bytes, const std::string& format,
                                  const Limits& limits) {
  auto still = decode_heif(bytes, limits.image_max_side, limits.max_pixels);
  if (!still) return tl::unexpected(still.error());
  return encode_sent_image(
      std::move(still->image),
      upright_image(format, bytes.size(), still->width, still->height, still->has_alpha), limits);
}

// Camera RAW: libraw already stood the picture up; the camera and its clock join the facts.
Result<Normalized> normalize_raw(const std::string& bytes, const std::string& format,
                                 const Limits& limits) {
  auto picture =
      decode_raw(bytes, limits.image_max_side, limits.max_pixels, limits.decode_timeout_ms);
  if (!picture) return tl::unexpected(picture.error());
  Normalized out = upright_image(picture->dng ? "dng" : format, bytes.size(), picture->width,
                                 picture->height, false);
  out.facts.camera_make = picture->camera_make;
  out.facts.camera_model = picture->camera_model;
  out.facts.capture_time = picture->capture_time;
  return encode_sent_image(std::move(picture->image), std::move(out), limits);
}

bool is_lossless(const std::string& format) {
  return format == "png" || format == "bmp" || format == "tiff" || format == "pnm";
}

// The picture OCR reads: a JPEG decoded at DCT scale for the 384 px budget has letters too
// small to read, so it is decoded again at the OCR size; other formats decoded whole already.
cv::Mat ocr_source(const std::string& bytes, const std::optional<ImageHeader>& header,
                   const cv::Mat& decoded) {
  if (!header || header->format != "jpeg") return decoded;
  const long long longest = std::max(header->width, header->height);
  if (std::max(decoded.cols, decoded.rows) >= std::min<long long>(longest, k_ocr_max_side)) {
    return decoded;
  }
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  try {
    cv::Mat larger = cv::imdecode(
        buffer, jpeg_read_flag(longest, k_ocr_max_side) | cv::IMREAD_IGNORE_ORIENTATION);
    if (larger.empty()) return decoded;
    return apply_orientation(larger, header->orientation);
  } catch (const cv::Exception&) {
    return decoded;
  }
}

bool is_raw_format(const std::string& format) {
  for (const char* raw : {"raw", "cr2", "cr3", "crw", "raf", "orf", "rw2"}) {
    if (format == raw) return true;
  }
  return false;
}

}  // namespace

Result<Normalized> normalize_image(const std::string& bytes, const std::string& format,
                                   const Limits& limits) {
  if (is_heif_family(format)) return normalize_heif(bytes, format, limits);
  if (is_raw_format(format)) return normalize_raw(bytes, format, limits);
  const auto header = read_image_header(bytes);
  if (header) {
    if (header->width <= 0 || header->height <= 0) {
      return fail(ErrorCode::corrupt, "the image header gives zero width or height");
    }
    const auto pixels = static_cast<unsigned long long>(header->width) *
                        static_cast<unsigned long long>(header->height);
    if (pixels > limits.max_pixels) {
      return fail(ErrorCode::too_large,
                  std::to_string(header->width) + "x" + std::to_string(header->height) +
                      " pixels is over the limit of " + std::to_string(limits.max_pixels));
    }
  }

  if (header && header->camera_raw) return normalize_raw(bytes, "raw", limits);
  // Every GIF goes this way: only decoding tells how many frames it has.
  if (format == "gif" || is_animated(bytes, format)) {
    return normalize_animation(bytes, format, limits);
  }
  if (format == "bmp") {
    if (auto payload = embedded_bmp_payload(bytes)) {
      auto inner = normalize_image(*payload, "embedded", limits);
      if (inner) inner->facts.format = "bmp";
      return inner;
    }
  }
  auto decoded = decode(bytes, header, format, limits);
  if (!decoded) return tl::unexpected(decoded.error());
  cv::Mat image = std::move(*decoded);

  Normalized out;
  out.kind = Kind::image;
  out.facts.format = header ? header->format : format;
  out.facts.bytes = bytes.size();
  out.facts.has_alpha = image.channels() == 4 || image.channels() == 2;
  // Header dimensions are the original's; a reduced decode has fewer pixels.
  const int original_width = header ? static_cast<int>(header->width) : image.cols;
  const int original_height = header ? static_cast<int>(header->height) : image.rows;
  const int orientation = header ? header->orientation : 1;
  out.facts.orientation = orientation;

  image = flatten_alpha(to_8bit(apply_orientation(image, orientation)));
  if (limits.ocr_ms > 0 && may_hold_text(image, is_lossless(out.facts.format))) {
    add_ocr_text(ocr_source(bytes, header, image), limits, out.facts);
  }
  const bool swaps_sides = orientation >= 5;
  out.facts.width = swaps_sides ? original_height : original_width;
  out.facts.height = swaps_sides ? original_width : original_height;
  return encode_sent_image(std::move(image), std::move(out), limits);
}

}  // namespace media

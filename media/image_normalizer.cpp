#include "media/image_normalizer.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image_header.h"
#include "media/image_ops.h"
#include "media/token_estimate.h"

namespace media {
namespace {

// JPEG decoders can scale by 1/2, 1/4 or 1/8 in the DCT; pick the strongest reduction that
// still leaves the longest side at or above the target, so the final resize only shrinks.
int reduced_read_flag(const ImageHeader& header, int max_side) {
  const long long longest = std::max(header.width, header.height);
  if (longest >= 8LL * max_side) return cv::IMREAD_REDUCED_COLOR_8;
  if (longest >= 4LL * max_side) return cv::IMREAD_REDUCED_COLOR_4;
  if (longest >= 2LL * max_side) return cv::IMREAD_REDUCED_COLOR_2;
  return cv::IMREAD_COLOR;
}

Result<cv::Mat> decode(const std::string& bytes, const std::optional<ImageHeader>& header,
                       const Limits& limits) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                       const_cast<char*>(bytes.data()));
  int flags = cv::IMREAD_UNCHANGED;
  if (header && header->format == "jpeg") {
    flags = reduced_read_flag(*header, limits.image_max_side) | cv::IMREAD_IGNORE_ORIENTATION;
  }
  try {
    cv::Mat image = cv::imdecode(buffer, flags);
    if (image.empty()) return fail(ErrorCode::corrupt, "the image decoder could not read it");
    return image;
  } catch (const cv::Exception& e) {
    return fail(ErrorCode::corrupt, std::string("image decoder: ") + e.what());
  }
}

}  // namespace

Result<Normalized> normalize_image(const std::string& bytes, const std::string& format,
                                   const Limits& limits) {
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

  auto decoded = decode(bytes, header, limits);
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

  image = to_8bit(image);
  image = flatten_alpha(image);
  image = apply_orientation(image, orientation);
  const bool swaps_sides = orientation >= 5;
  out.facts.width = swaps_sides ? original_height : original_width;
  out.facts.height = swaps_sides ? original_width : original_height;

  image = fit_longest_side(image, limits.image_max_side);
  auto jpeg = encode_jpeg(image, limits.jpeg_quality);
  if (!jpeg) return tl::unexpected(jpeg.error());

  out.parts.push_back(Part{PartType::image, "image/jpeg", std::move(*jpeg),
                           std::to_string(image.cols) + "x" + std::to_string(image.rows)});
  out.token_estimate = image_tokens(image.cols, image.rows);
  out.naive_tokens = image_tokens(*out.facts.width, *out.facts.height);
  return out;
}

}  // namespace media

#include "media/heif_decoder.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <libheif/heif.h>
#include <opencv2/imgproc.hpp>

namespace media {
namespace {

struct ContextFreer {
  void operator()(heif_context* context) const { heif_context_free(context); }
};
struct HandleReleaser {
  void operator()(const heif_image_handle* handle) const { heif_image_handle_release(handle); }
};
struct ImageReleaser {
  void operator()(const heif_image* image) const { heif_image_release(image); }
};
struct OptionsFreer {
  void operator()(heif_decoding_options* options) const { heif_decoding_options_free(options); }
};
using ContextHandle = std::unique_ptr<heif_context, ContextFreer>;
using ImageHandle = std::unique_ptr<const heif_image_handle, HandleReleaser>;
using HeifImage = std::unique_ptr<const heif_image, ImageReleaser>;
using OptionsHandle = std::unique_ptr<heif_decoding_options, OptionsFreer>;

tl::unexpected<Error> heif_failure(const heif_error& error, const std::string& step) {
  const std::string detail = "libheif " + step + ": " + (error.message ? error.message : "?");
  switch (error.code) {
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature: return fail(ErrorCode::unsupported, detail);
    case heif_error_Memory_allocation_error: return fail(ErrorCode::too_large, detail);
    case heif_error_Invalid_input:
      if (error.subcode == heif_suberror_Security_limit_exceeded) {
        return fail(ErrorCode::too_large, detail);
      }
      if (error.subcode == heif_suberror_End_of_data) return fail(ErrorCode::truncated, detail);
      return fail(ErrorCode::corrupt, detail);
    default: return fail(ErrorCode::corrupt, detail);
  }
}

Result<void> check_size(int width, int height, std::uint64_t max_pixels) {
  if (width <= 0 || height <= 0) {
    return fail(ErrorCode::corrupt, "the HEIF header gives zero width or height");
  }
  const auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels > max_pixels) {
    return fail(ErrorCode::too_large, std::to_string(width) + "x" + std::to_string(height) +
                                          " pixels is over the limit of " +
                                          std::to_string(max_pixels));
  }
  return {};
}

// A thumbnail stands in for the primary image only when it is big enough and shows the same
// frame: a thumbnail left unrotated or cropped differently would misstate the picture.
bool thumbnail_fits(const heif_image_handle& thumbnail, int width, int height, int target_side) {
  const int thumb_width = heif_image_handle_get_width(&thumbnail);
  const int thumb_height = heif_image_handle_get_height(&thumbnail);
  if (thumb_width <= 0 || thumb_height <= 0) return false;
  if (std::max(thumb_width, thumb_height) < target_side) return false;
  const double primary_aspect = static_cast<double>(width) / height;
  const double thumb_aspect = static_cast<double>(thumb_width) / thumb_height;
  return std::abs(primary_aspect / thumb_aspect - 1.0) < 0.02;
}

ImageHandle usable_thumbnail(const heif_image_handle& primary, int width, int height,
                             int target_side) {
  const int count = heif_image_handle_get_number_of_thumbnails(&primary);
  if (count <= 0) return nullptr;
  std::vector<heif_item_id> ids(static_cast<std::size_t>(count));
  const int listed = heif_image_handle_get_list_of_thumbnail_IDs(&primary, ids.data(), count);
  for (int i = 0; i < listed; ++i) {
    heif_image_handle* raw = nullptr;
    if (heif_image_handle_get_thumbnail(&primary, ids[static_cast<std::size_t>(i)], &raw).code !=
        heif_error_Ok) {
      continue;
    }
    ImageHandle thumbnail(raw);
    if (thumbnail_fits(*thumbnail, width, height, target_side)) return thumbnail;
  }
  return nullptr;
}

// Decodes one handle to interleaved 8-bit RGB(A) and copies it into a BGR(A) matrix.
Result<cv::Mat> decode_handle(const heif_image_handle& handle, bool alpha,
                              std::uint64_t max_pixels) {
  if (auto ok = check_size(heif_image_handle_get_width(&handle),
                           heif_image_handle_get_height(&handle), max_pixels);
      !ok) {
    return tl::unexpected(ok.error());
  }
  OptionsHandle options(heif_decoding_options_alloc());
  if (!options) return fail(ErrorCode::internal, "out of memory");
  options->ignore_transformations = 0;  // irot, imir and clap are applied by libheif
  options->convert_hdr_to_8bit = 1;     // 10-bit iPhone and AVIF pictures come out 8-bit
  heif_image* raw = nullptr;
  const heif_error decoded = heif_decode_image(
      &handle, &raw, heif_colorspace_RGB,
      alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options.get());
  HeifImage image(raw);
  if (decoded.code != heif_error_Ok) return heif_failure(decoded, "decoding");
  const int width = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int height = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const std::uint8_t* plane =
      heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  if (!plane || width <= 0 || height <= 0) {
    return fail(ErrorCode::corrupt, "libheif decoded no pixels");
  }
  const int type = alpha ? CV_8UC4 : CV_8UC3;
  const cv::Mat view(height, width, type, const_cast<std::uint8_t*>(plane),
                     static_cast<std::size_t>(stride));
  cv::Mat bgr;
  cv::cvtColor(view, bgr, alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
  return bgr;
}

}  // namespace

Result<HeifStill> decode_heif(const std::string& bytes, int target_side, std::uint64_t max_pixels) {
  ContextHandle context(heif_context_alloc());
  if (!context) return fail(ErrorCode::internal, "out of memory");
  // Tiles of a grid are decoded on this thread: workers run one per core already.
  heif_context_set_max_decoding_threads(context.get(), 0);
  const heif_error read = heif_context_read_from_memory_without_copy(context.get(), bytes.data(),
                                                                     bytes.size(), nullptr);
  if (read.code != heif_error_Ok) return heif_failure(read, "reading");
  heif_image_handle* raw = nullptr;
  const heif_error primary_found = heif_context_get_primary_image_handle(context.get(), &raw);
  if (primary_found.code != heif_error_Ok) return heif_failure(primary_found, "primary image");
  const ImageHandle primary(raw);

  HeifStill still;
  // The displayed size, with rotation and cropping applied; for a grid, the whole canvas.
  still.width = heif_image_handle_get_width(primary.get());
  still.height = heif_image_handle_get_height(primary.get());
  if (auto ok = check_size(still.width, still.height, max_pixels); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = check_size(heif_image_handle_get_ispe_width(primary.get()),
                           heif_image_handle_get_ispe_height(primary.get()), max_pixels);
      !ok) {
    return tl::unexpected(ok.error());
  }
  still.has_alpha = heif_image_handle_has_alpha_channel(primary.get()) != 0;

  const ImageHandle thumbnail = usable_thumbnail(*primary, still.width, still.height, target_side);
  const heif_image_handle& chosen = thumbnail ? *thumbnail : *primary;
  const bool alpha = heif_image_handle_has_alpha_channel(&chosen) != 0;
  auto image = decode_handle(chosen, alpha, max_pixels);
  if (!image) return tl::unexpected(image.error());
  still.image = std::move(*image);
  still.from_thumbnail = thumbnail != nullptr;
  return still;
}

}  // namespace media

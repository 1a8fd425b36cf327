#include "media/raw_decoder.h"

#include <algorithm>
#include <ctime>
#include <memory>

#include <libraw/libraw.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/ffmpeg_support.h"
#include "media/image_header.h"
#include "media/image_ops.h"

namespace media {
namespace {

struct RawCloser {
  void operator()(libraw_data_t* raw) const { libraw_close(raw); }
};
struct ProcessedFreer {
  void operator()(libraw_processed_image_t* image) const { libraw_dcraw_clear_mem(image); }
};
using RawHandle = std::unique_ptr<libraw_data_t, RawCloser>;
using ProcessedHandle = std::unique_ptr<libraw_processed_image_t, ProcessedFreer>;

tl::unexpected<Error> raw_failure(int code, const std::string& step) {
  const std::string detail = "libraw " + step + ": " + libraw_strerror(code);
  switch (code) {
    case LIBRAW_FILE_UNSUPPORTED:
    case LIBRAW_NOT_IMPLEMENTED:
    case LIBRAW_NO_THUMBNAIL:
    case LIBRAW_UNSUPPORTED_THUMBNAIL: return fail(ErrorCode::unsupported, detail);
    case LIBRAW_UNSUFFICIENT_MEMORY:
    case LIBRAW_TOO_BIG: return fail(ErrorCode::too_large, detail);
    case LIBRAW_CANCELLED_BY_CALLBACK: return fail(ErrorCode::timeout, detail);
    case LIBRAW_IO_ERROR: return fail(ErrorCode::truncated, detail);
    default: return fail(ErrorCode::corrupt, detail);
  }
}

// libraw's flip (0, 3, 5, 6) as the EXIF orientation that undoes it.
int orientation_of(int flip) {
  switch (flip) {
    case 3: return 3;
    case 5: return 8;
    case 6: return 6;
    default: return 1;
  }
}

// libraw read the camera's "YYYY:MM:DD hh:mm:ss" with mktime(), so localtime() gives back
// the camera's own wall clock.
std::string capture_time(std::time_t timestamp) {
  if (timestamp <= 0) return "";
  std::tm local{};
  if (!localtime_r(&timestamp, &local)) return "";
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local) == 0) return "";
  return text;
}

// libraw polls this between stages; a non-zero answer cancels the decode.
int past_deadline(void* deadline, enum LibRaw_progress, int, int) {
  return static_cast<const Deadline*>(deadline)->expired() ? 1 : 0;
}

// The embedded JPEG preview, decoded at the smallest DCT scale that still covers the target,
// or nothing when there is none or it is smaller than the target.
std::optional<cv::Mat> preview(libraw_data_t& raw, int target_side) {
  if (libraw_unpack_thumb(&raw) != LIBRAW_SUCCESS) return std::nullopt;
  const libraw_thumbnail_t& thumb = raw.thumbnail;
  if (thumb.tformat != LIBRAW_THUMBNAIL_JPEG || !thumb.thumb || thumb.tlength == 0) {
    return std::nullopt;
  }
  const std::string_view jpeg(thumb.thumb, thumb.tlength);
  const auto header = read_image_header(jpeg);
  if (!header || std::max(header->width, header->height) < target_side) return std::nullopt;
  const cv::Mat buffer(1, static_cast<int>(jpeg.size()), CV_8U, thumb.thumb);
  cv::Mat image;
  try {
    image =
        cv::imdecode(buffer, jpeg_read_flag(std::max(header->width, header->height), target_side) |
                                 cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception&) {
    return std::nullopt;  // a broken preview: the sensor data may still decode
  }
  if (image.empty()) return std::nullopt;
  return image;
}

Result<cv::Mat> half_size_decode(libraw_data_t& raw) {
  raw.params.half_size = 1;      // one pixel per 2x2 Bayer cell: no demosaicing, a quarter the work
  raw.params.use_camera_wb = 1;  // the camera's white balance, as its own preview shows
  raw.params.output_bps = 8;
  if (const int rc = libraw_unpack(&raw); rc != LIBRAW_SUCCESS) return raw_failure(rc, "unpack");
  if (const int rc = libraw_dcraw_process(&raw); rc != LIBRAW_SUCCESS) {
    return raw_failure(rc, "processing");
  }
  int rc = LIBRAW_SUCCESS;
  // libraw rotates the processed image by the camera's flip itself.
  ProcessedHandle processed(libraw_dcraw_make_mem_image(&raw, &rc));
  if (!processed) return raw_failure(rc, "output");
  if (processed->type != LIBRAW_IMAGE_BITMAP || processed->bits != 8 ||
      (processed->colors != 3 && processed->colors != 1)) {
    return fail(ErrorCode::unsupported, "libraw produced an image layout siftd does not read");
  }
  const cv::Mat view(processed->height, processed->width,
                     processed->colors == 3 ? CV_8UC3 : CV_8UC1, processed->data);
  cv::Mat bgr;
  cv::cvtColor(view, bgr, processed->colors == 3 ? cv::COLOR_RGB2BGR : cv::COLOR_GRAY2BGR);
  return bgr;
}

}  // namespace

bool has_raw_signature(std::string_view head) {
  if (head.size() >= 4 &&
      (head.substr(0, 4) == std::string_view("IIU\0", 4) || head.substr(0, 4) == "IIRO" ||
       head.substr(0, 4) == "IIRS" || head.substr(0, 4) == "MMOR")) {
    return true;
  }
  return head.size() >= 12 && head.substr(4, 8) == "ftypcrx ";
}

Result<RawPicture> decode_raw(const std::string& bytes, int target_side, std::uint64_t max_pixels,
                              int timeout_ms) {
  const auto deadline = Deadline::after_ms(timeout_ms);
  RawHandle raw(libraw_init(LIBRAW_OPIONS_NO_DATAERR_CALLBACK));
  if (!raw) return fail(ErrorCode::internal, "out of memory");
  libraw_set_progress_handler(raw.get(), past_deadline, const_cast<Deadline*>(&deadline));
  if (const int rc = libraw_open_buffer(raw.get(), const_cast<char*>(bytes.data()), bytes.size());
      rc != LIBRAW_SUCCESS) {
    return raw_failure(rc, "reading");
  }
  const libraw_image_sizes_t& sizes = raw->sizes;
  const auto pixels = static_cast<std::uint64_t>(sizes.raw_width) * sizes.raw_height;
  if (sizes.width == 0 || sizes.height == 0) {
    return fail(ErrorCode::corrupt, "the RAW file gives zero width or height");
  }
  if (pixels > max_pixels) {
    return fail(ErrorCode::too_large,
                std::to_string(sizes.raw_width) + "x" + std::to_string(sizes.raw_height) +
                    " sensor pixels is over the limit of " + std::to_string(max_pixels));
  }
  RawPicture picture;
  const int orientation = orientation_of(sizes.flip);
  const bool swaps_sides = orientation >= 5;
  picture.width = swaps_sides ? sizes.height : sizes.width;
  picture.height = swaps_sides ? sizes.width : sizes.height;
  picture.dng = raw->idata.dng_version != 0;
  picture.camera_make = raw->idata.make;
  picture.camera_model = raw->idata.model;
  picture.capture_time = capture_time(raw->other.timestamp);

  if (auto image = preview(*raw, target_side)) {
    // Previews are stored as the sensor lies; the camera's flip stands them up.
    picture.image = apply_orientation(*image, orientation);
    picture.from_preview = true;
    return picture;
  }
  auto image = half_size_decode(*raw);
  if (!image) return tl::unexpected(image.error());
  picture.image = std::move(*image);
  return picture;
}

}  // namespace media

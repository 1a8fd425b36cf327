#include "media/image_ops.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace media {

cv::Mat to_8bit(const cv::Mat& image) {
  switch (image.depth()) {
    case CV_8U: return image;
    case CV_8S: {
      cv::Mat out;
      image.convertTo(out, CV_8U, 1.0, 128.0);
      return out;
    }
    case CV_16U: {
      cv::Mat out;
      image.convertTo(out, CV_8U, 1.0 / 257.0);
      return out;
    }
    case CV_16S: {
      cv::Mat out;
      image.convertTo(out, CV_8U, 1.0 / 257.0, 128.0);
      return out;
    }
    default: {
      // Float images: stretch whatever range they hold onto 0..255.
      double low = 0;
      double high = 0;
      cv::minMaxLoc(image.reshape(1), &low, &high);
      cv::Mat out;
      const double scale = high > low ? 255.0 / (high - low) : 1.0;
      image.convertTo(out, CV_8U, scale, -low * scale);
      return out;
    }
  }
}

cv::Mat flatten_alpha(const cv::Mat& image) {
  if (image.channels() != 4 && image.channels() != 2) return image;
  std::vector<cv::Mat> planes;
  cv::split(image, planes);
  cv::Mat alpha;
  planes.back().convertTo(alpha, CV_32F, 1.0 / 255.0);
  planes.pop_back();
  for (auto& plane : planes) {
    cv::Mat colour;
    plane.convertTo(colour, CV_32F);
    // out = colour * a + 255 * (1 - a)
    cv::Mat blended = colour.mul(alpha) + (1.0 - alpha) * 255.0;
    blended.convertTo(plane, CV_8U);
  }
  cv::Mat out;
  cv::merge(planes, out);
  return out;
}

cv::Mat apply_orientation(const cv::Mat& image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(image, out, 1); return out;
    case 3: cv::rotate(image, out, cv::ROTATE_180); return out;
    case 4: cv::flip(image, out, 0); return out;
    case 5: cv::transpose(image, out); return out;
    case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 7:
      cv::transpose(image, out);
      cv::flip(out, out, -1);
      return out;
    case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return image;
  }
}

cv::Mat fit_longest_side(const cv::Mat& image, int max_side) {
  const int longest = std::max(image.cols, image.rows);
  if (longest <= max_side || max_side <= 0) return image;
  const double scale = static_cast<double>(max_side) / longest;
  const int width = std::max(1, static_cast<int>(std::lround(image.cols * scale)));
  const int height = std::max(1, static_cast<int>(std::lround(image.rows * scale)));
  cv::Mat out;
  cv::resize(image, out, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  return out;
}

int jpeg_read_flag(long long longest, int max_side) {
  if (longest >= 8LL * max_side) return cv::IMREAD_REDUCED_COLOR_8;
  if (longest >= 4LL * max_side) return cv::IMREAD_REDUCED_COLOR_4;
  if (longest >= 2LL * max_side) return cv::IMREAD_REDUCED_COLOR_2;
  return cv::IMREAD_COLOR;
}

Result<std::string> encode_jpeg(const cv::Mat& image, int quality) {
  std::vector<unsigned char> buffer;
  try {
    if (!cv::imencode(".jpg", image, buffer, {cv::IMWRITE_JPEG_QUALITY, quality})) {
      return fail(ErrorCode::internal, "JPEG encoding failed");
    }
  } catch (const cv::Exception& e) {
    return fail(ErrorCode::internal, std::string("JPEG encoding: ") + e.what());
  }
  return std::string(buffer.begin(), buffer.end());
}

}  // namespace media

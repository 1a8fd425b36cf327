#pragma once
// Small OpenCV operations shared by the image, video and PDF normalizers. Private to media/.

#include <string>

#include <opencv2/core.hpp>

#include "media/error.h"

namespace media {

// 16-bit and float images become 8-bit; CMYK-less OpenCV decodes are already BGR.
cv::Mat to_8bit(const cv::Mat& image);

// Composites BGRA or gray+alpha onto white and returns BGR or gray.
cv::Mat flatten_alpha(const cv::Mat& image);

// Applies EXIF orientation 1..8 so the picture stands the way a viewer shows it.
cv::Mat apply_orientation(const cv::Mat& image, int orientation);

// Shrinks (never enlarges) so the longest side is at most `max_side`, with area averaging.
cv::Mat fit_longest_side(const cv::Mat& image, int max_side);

// The OpenCV read flag for a JPEG whose longest side is `longest`: the strongest DCT
// reduction (1/2, 1/4, 1/8) that still leaves at least `max_side`, so the final resize only
// shrinks. Colour, and without alpha.
int jpeg_read_flag(long long longest, int max_side);

Result<std::string> encode_jpeg(const cv::Mat& image, int quality);

}  // namespace media

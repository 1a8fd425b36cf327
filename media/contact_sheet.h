#pragma once
// Tiles sampled video frames into one image with their timestamps drawn in, and drops frames
// that look like the one before. Private to media/.

#include <vector>

#include <opencv2/core.hpp>

namespace media {

struct SampledFrame {
  cv::Mat image;  // BGR
  double at_s = 0;
};

// Keeps frames whose tiny grayscale thumbnail differs from the last kept one.
std::vector<SampledFrame> drop_near_duplicates(std::vector<SampledFrame> frames);

// One sheet whose longest side is at most `max_side`, frames in reading order.
cv::Mat make_contact_sheet(const std::vector<SampledFrame>& frames, int max_side);

}  // namespace media

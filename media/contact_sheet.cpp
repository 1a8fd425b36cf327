#include "media/contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace media {
namespace {

// Mean absolute difference (0..255) under which two 16x16 thumbnails count as the same shot.
constexpr double k_duplicate_diff = 6.0;

cv::Mat thumbnail(const cv::Mat& image) {
  cv::Mat gray;
  cv::Mat small;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  cv::resize(gray, small, cv::Size(16, 16), 0, 0, cv::INTER_AREA);
  return small;
}

std::string clock_text(double seconds) {
  const auto total = static_cast<long long>(std::max(0.0, seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

void draw_timestamp(cv::Mat& cell, double at_s) {
  const std::string text = clock_text(at_s);
  const double scale = std::clamp(cell.rows / 260.0, 0.3, 0.8);
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  const cv::Point origin(3, cell.rows - 3 - baseline);
  cv::rectangle(cell, cv::Point(0, origin.y - size.height - 3),
                cv::Point(size.width + 6, cell.rows), cv::Scalar(0, 0, 0), cv::FILLED);
  cv::putText(cell, text, origin, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1,
              cv::LINE_AA);
}

}  // namespace

std::vector<SampledFrame> drop_near_duplicates(std::vector<SampledFrame> frames) {
  std::vector<SampledFrame> kept;
  cv::Mat last;
  for (auto& frame : frames) {
    cv::Mat thumb = thumbnail(frame.image);
    if (!last.empty()) {
      cv::Mat diff;
      cv::absdiff(thumb, last, diff);
      if (cv::mean(diff)[0] < k_duplicate_diff) continue;
    }
    last = thumb;
    kept.push_back(std::move(frame));
  }
  return kept;
}

cv::Mat make_contact_sheet(const std::vector<SampledFrame>& frames, int max_side) {
  if (frames.empty()) return {};
  const int count = static_cast<int>(frames.size());
  const double aspect = static_cast<double>(frames[0].image.cols) / frames[0].image.rows;
  // The grid whose cells come out largest within a max_side square.
  int best_columns = 1;
  double best_area = 0;
  for (int columns = 1; columns <= count; ++columns) {
    const int rows = (count + columns - 1) / columns;
    const double width = std::min(static_cast<double>(max_side) / columns,
                                  static_cast<double>(max_side) / rows * aspect);
    if (width * width / aspect > best_area) {
      best_area = width * width / aspect;
      best_columns = columns;
    }
  }
  const int columns = best_columns;
  const int rows = (count + columns - 1) / columns;
  const int cell_width =
      std::max(1, static_cast<int>(std::min(static_cast<double>(max_side) / columns,
                                            static_cast<double>(max_side) / rows * aspect)));
  const int cell_height = std::max(1, static_cast<int>(cell_width / aspect));
  cv::Mat sheet(rows * cell_height, columns * cell_width, CV_8UC3, cv::Scalar(0, 0, 0));
  for (int i = 0; i < count; ++i) {
    cv::Mat cell = sheet(
        cv::Rect(i % columns * cell_width, i / columns * cell_height, cell_width, cell_height));
    cv::resize(frames[static_cast<std::size_t>(i)].image, cell, cell.size(), 0, 0, cv::INTER_AREA);
    draw_timestamp(cell, frames[static_cast<std::size_t>(i)].at_s);
  }
  return sheet;
}

}  // namespace media

#pragma once
// Small images encoded in memory for end-to-end tests.

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace siftd_test {

// A noisy "photo": JPEG-friendly gradients, deterministic for a given seed.
inline std::string photo_jpeg(int width, int height, int seed) {
  cv::Mat image(height, width, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(image, image, cv::Size(0, 0), 5 + seed % 3);
  std::vector<unsigned char> buffer;
  cv::imencode(".jpg", image, buffer, {cv::IMWRITE_JPEG_QUALITY, 85});
  return std::string(buffer.begin(), buffer.end());
}

// A flat "screenshot" with a few boxes, as PNG.
inline std::string screenshot_png(int width, int height) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(240, 240, 240));
  cv::rectangle(image, cv::Rect(20, 20, width / 3, height / 4), cv::Scalar(200, 120, 40),
                cv::FILLED);
  cv::putText(image, "Settings", cv::Point(40, 60), cv::FONT_HERSHEY_SIMPLEX, 1.0,
              cv::Scalar(0, 0, 0), 2);
  std::vector<unsigned char> buffer;
  cv::imencode(".png", image, buffer);
  return std::string(buffer.begin(), buffer.end());
}

// JPEG magic followed by noise: a decoder refuses it.
inline std::string corrupt_jpeg() {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  for (int i = 0; i < 2000; ++i) bytes.push_back(static_cast<char>((i * 7919) % 251));
  return bytes;
}

}  // namespace siftd_test

namespace siftd_test {

// A tiny PNG whose pixels encode `index`, so every file has distinct bytes.
inline std::string numbered_png(int index) {
  cv::Mat image(16, 16, CV_8UC3,
                cv::Scalar(index & 0xFF, (index >> 8) & 0xFF, (index >> 16) & 0xFF));
  image.at<cv::Vec3b>(0, 0) = cv::Vec3b(static_cast<unsigned char>(index * 7), 1, 2);
  std::vector<unsigned char> buffer;
  cv::imencode(".png", image, buffer);
  return std::string(buffer.begin(), buffer.end());
}

}  // namespace siftd_test

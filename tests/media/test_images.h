#pragma once
// Builds small test images in memory with OpenCV, including a JPEG carrying an EXIF
// orientation tag, so image tests need no binary fixtures.

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace media::test {

inline std::string encode(const cv::Mat& image, const std::string& extension,
                          const std::vector<int>& params = {}) {
  std::vector<unsigned char> buffer;
  cv::imencode(extension, image, buffer, params);
  return std::string(buffer.begin(), buffer.end());
}

// A landscape image whose left half is black and right half white.
inline cv::Mat half_black(int width, int height) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  image(cv::Rect(0, 0, width / 2, height)).setTo(cv::Scalar(0, 0, 0));
  return image;
}

// Inserts an APP1 EXIF segment holding only an orientation tag right after the SOI marker.
inline std::string with_exif_orientation(const std::string& jpeg, int orientation) {
  const std::string tiff = std::string("MM\0*\0\0\0\x08", 8) +
                           std::string("\0\x01", 2) +                    // 1 entry
                           std::string("\x01\x12\0\x03\0\0\0\x01", 8) +  // 274 SHORT 1
                           std::string(1, '\0') + std::string(1, static_cast<char>(orientation)) +
                           std::string("\0\0", 2) + std::string("\0\0\0\0", 4);  // next IFD
  const std::string body = std::string("Exif\0\0", 6) + tiff;
  const std::size_t length = body.size() + 2;
  std::string segment = "\xFF\xE1";
  segment.push_back(static_cast<char>(length >> 8));
  segment.push_back(static_cast<char>(length & 0xFF));
  return jpeg.substr(0, 2) + segment + body + jpeg.substr(2);
}

}  // namespace media::test

#include "media/token_estimate.h"

#include <algorithm>
#include <cmath>

namespace media {

int image_tokens(int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  if (width <= k_small_image_side && height <= k_small_image_side) return k_tokens_per_image_tile;
  const int unit = std::max(256, static_cast<int>(std::min(width, height) / 1.5));
  const long long across = (width + unit - 1) / unit;
  const long long down = (height + unit - 1) / unit;
  const long long tokens = across * down * k_tokens_per_image_tile;
  return static_cast<int>(std::min<long long>(tokens, 1'000'000'000));
}

int audio_tokens(double seconds) {
  return seconds <= 0 ? 0 : static_cast<int>(std::ceil(seconds * k_audio_tokens_per_second));
}

int video_tokens(double seconds) {
  return seconds <= 0 ? 0 : static_cast<int>(std::ceil(seconds * k_video_tokens_per_second));
}

int text_tokens(std::uint64_t characters) {
  return static_cast<int>(std::min<std::uint64_t>((characters + 3) / 4, 1'000'000'000));
}

}  // namespace media

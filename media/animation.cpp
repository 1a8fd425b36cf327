#include "media/animation.h"

#include <algorithm>

#include "media/av_animation.h"
#include "media/image_ops.h"
#include "media/token_estimate.h"
#include "media/webp_animation.h"

namespace media {

bool is_animated(const std::string& bytes, const std::string& format) {
  if (format == "webp") {
    // VP8X: flags byte 20, bit 1 is "animation".
    return bytes.size() >= 21 && bytes.compare(12, 4, "VP8X") == 0 &&
           (static_cast<unsigned char>(bytes[20]) & 0x02) != 0;
  }
  if (format == "png") {
    const auto control = bytes.find("acTL");
    return control != std::string::npos && control < bytes.find("IDAT");
  }
  return false;
}

std::vector<std::size_t> frames_to_keep(const std::vector<std::int64_t>& starts_ms,
                                        std::int64_t total_ms, int count) {
  std::vector<std::size_t> kept;
  if (starts_ms.empty() || count <= 0) return kept;
  const std::size_t frames = starts_ms.size();
  for (int i = 0; i < count; ++i) {
    std::size_t index = 0;
    if (total_ms > 0) {
      const double at = static_cast<double>(total_ms) * (i + 0.5) / count;
      const auto after =
          std::upper_bound(starts_ms.begin(), starts_ms.end(), static_cast<std::int64_t>(at));
      index = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, after - starts_ms.begin() - 1));
    } else {
      index = static_cast<std::size_t>((static_cast<double>(frames) * (i + 0.5)) / count);
    }
    index = std::min(index, frames - 1);
    if (kept.empty() || kept.back() != index) kept.push_back(index);
  }
  return kept;
}

Result<Animation> sample_animation(const std::string& bytes, const std::string& format,
                                   const Limits& limits) {
  if (format == "webp") return sample_webp_animation(bytes, limits);
  return sample_av_animation(bytes, format, limits);
}

Result<Normalized> normalize_animation(const std::string& bytes, const std::string& format,
                                       const Limits& limits) {
  auto animation = sample_animation(bytes, format, limits);
  if (!animation) return tl::unexpected(animation.error());
  Normalized out = upright_image(format, bytes.size(), animation->width, animation->height,
                                 animation->has_alpha);
  out.facts.frames = animation->frame_count;
  if (animation->frame_count > 1) out.facts.duration_ms = animation->duration_ms;
  auto kept = drop_near_duplicates(std::move(animation->kept));
  cv::Mat picture;
  std::string label;
  if (kept.size() == 1) {
    picture = fit_longest_side(kept.front().image, limits.image_max_side);
    label = std::to_string(picture.cols) + "x" + std::to_string(picture.rows);
  } else {
    picture = make_contact_sheet(kept, limits.image_max_side);
    label = "contact sheet of " + std::to_string(kept.size()) + " frames, " +
            std::to_string(picture.cols) + "x" + std::to_string(picture.rows);
  }
  if (animation->frame_count > 1) out.facts.frames_sampled = static_cast<int>(kept.size());
  auto jpeg = encode_jpeg(picture, limits.jpeg_quality);
  if (!jpeg) return tl::unexpected(jpeg.error());
  out.parts.push_back(Part{PartType::image, "image/jpeg", std::move(*jpeg), label});
  out.token_estimate = image_tokens(picture.cols, picture.rows);
  out.naive_tokens = image_tokens(animation->width, animation->height);
  return out;
}

}  // namespace media

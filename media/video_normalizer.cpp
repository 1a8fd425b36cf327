#include "media/video_normalizer.h"

namespace media {

Result<Normalized> normalize_video(const std::string& path, const Limits& limits) {
  (void)path;
  (void)limits;
  return fail(ErrorCode::unsupported, "video normalization is not built yet");
}

}  // namespace media

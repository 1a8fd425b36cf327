#include "media/audio_normalizer.h"

namespace media {

Result<Normalized> normalize_audio(const std::string& path, const Limits& limits) {
  (void)path;
  (void)limits;
  return fail(ErrorCode::unsupported, "audio normalization is not built yet");
}

}  // namespace media

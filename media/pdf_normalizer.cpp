#include "media/pdf_normalizer.h"

namespace media {

Result<Normalized> normalize_pdf(const std::string& path, const Limits& limits) {
  (void)path;
  (void)limits;
  return fail(ErrorCode::unsupported, "pdf normalization is not built yet");
}

}  // namespace media

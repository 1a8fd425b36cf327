#include "pipeline/normalizer.h"

#include "media/normalizer.h"

namespace pipeline {

media::Result<media::Normalized> InProcessNormalizer::normalize(const std::string& path) {
  return media::normalize_file(path, m_limits);
}

}  // namespace pipeline

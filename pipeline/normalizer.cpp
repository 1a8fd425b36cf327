#include "pipeline/normalizer.h"

#include "media/normalizer.h"

namespace pipeline {

media::Result<media::Normalized> InProcessNormalizer::normalize(const std::string& path) {
  return media::normalize_file(path, m_limits);
}

media::Result<std::unique_ptr<IsolatedNormalizer>> IsolatedNormalizer::create(
    media::Limits limits, int workers, std::string executable) {
  auto pool = media::WorkerPool::create(media::WorkerPoolOptions{std::move(executable), workers});
  if (!pool) return tl::unexpected(pool.error());
  return std::unique_ptr<IsolatedNormalizer>(new IsolatedNormalizer(limits, std::move(*pool)));
}

media::Result<media::Normalized> IsolatedNormalizer::normalize(const std::string& path) {
  return m_pool->normalize(path, m_limits);
}

}  // namespace pipeline

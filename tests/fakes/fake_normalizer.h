#pragma once
// FakeNormalizer: the Normalizer port without media/. It answers every path with the same
// normalized image (or the configured error) and counts the calls, so tests can tell whether
// a file was decoded again. Safe to call from several workers at once.

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/normalizer.h"

namespace fakes {

class FakeNormalizer final : public pipeline::Normalizer {
 public:
  FakeNormalizer() {
    m_normalized.kind = media::Kind::image;
    m_normalized.facts.format = "jpeg";
    m_normalized.facts.width = 1600;
    m_normalized.facts.height = 1200;
    m_normalized.token_estimate = 258;
    m_normalized.naive_tokens = 1032;
  }

  media::Result<media::Normalized> normalize(const std::string& path) override {
    std::lock_guard lock(m_mutex);
    ++calls;
    paths.push_back(path);
    if (error) return tl::unexpected(*error);
    return m_normalized;
  }

  void answer(media::Normalized normalized) {
    std::lock_guard lock(m_mutex);
    m_normalized = std::move(normalized);
  }

  std::optional<media::Error> error;  // when set, every call fails with it; set before use
  std::atomic<int> calls{0};
  std::vector<std::string> paths;  // read once the workers are done

 private:
  std::mutex m_mutex;
  media::Normalized m_normalized;
};

}  // namespace fakes

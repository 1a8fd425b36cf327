#pragma once
// The port through which the pipeline turns a file into a Normalized value. The daemon plugs
// in the isolated worker pool; tests and one-shot commands may run media/ in-process.

#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace pipeline {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual media::Result<media::Normalized> normalize(const std::string& path) = 0;
};

class InProcessNormalizer final : public Normalizer {
 public:
  explicit InProcessNormalizer(media::Limits limits) : m_limits(limits) {}
  media::Result<media::Normalized> normalize(const std::string& path) override;

 private:
  media::Limits m_limits;
};

}  // namespace pipeline

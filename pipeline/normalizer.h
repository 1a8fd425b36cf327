#pragma once
// The port through which the pipeline turns a file into a Normalized value. The daemon plugs
// in the isolated worker pool; tests and one-shot commands may run media/ in-process.

#include <memory>
#include <string>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"
#include "media/worker_pool.h"

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

// Runs media/ in worker processes (media::WorkerPool): a decoder crash, hang or memory
// blow-up fails that one file with `crashed` or `timeout`, and the daemon keeps going.
class IsolatedNormalizer final : public Normalizer {
 public:
  // One worker process per daemon worker thread; `executable` empty means this binary.
  static media::Result<std::unique_ptr<IsolatedNormalizer>> create(media::Limits limits,
                                                                   int workers,
                                                                   std::string executable = {});
  media::Result<media::Normalized> normalize(const std::string& path) override;

 private:
  IsolatedNormalizer(media::Limits limits, std::unique_ptr<media::WorkerPool> pool)
      : m_limits(limits), m_pool(std::move(pool)) {}
  media::Limits m_limits;
  std::unique_ptr<media::WorkerPool> m_pool;
};

}  // namespace pipeline

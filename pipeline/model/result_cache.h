#pragma once
// Decisions already paid for, in SQLite: the same content (sha256) asked with the same prompt
// version of the same model gets the stored decision and no request. Its own database file,
// so lookups never wait on the journal's writes. Thread-safe.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pipeline/error.h"

namespace pipeline {

struct CacheKey {
  std::string sha256;
  std::string prompt_version;
  std::string model;
};

struct CachedDecision {
  std::string decision_json;
  std::string answered_by;  // the model that produced it (a cascade's second tier, maybe)
  double cost_usd = 0;      // what it cost when it was asked
};

class ResultCache {
 public:
  static Result<std::unique_ptr<ResultCache>> open(const std::string& path);
  ~ResultCache();
  ResultCache(const ResultCache&) = delete;
  ResultCache& operator=(const ResultCache&) = delete;

  Result<std::optional<CachedDecision>> find(const CacheKey& key);
  Result<void> store(const CacheKey& key, const CachedDecision& value);

 private:
  struct Impl;
  explicit ResultCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  std::mutex m_mutex;
};

}  // namespace pipeline

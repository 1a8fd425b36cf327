#pragma once
// The spend counted so far, kept in SQLite by UTC day, so that the daily and monthly caps hold
// across restarts. Its own table in the model state database (beside the result cache).
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>

#include "pipeline/error.h"

namespace pipeline {

class SpendLedger {
 public:
  static Result<std::unique_ptr<SpendLedger>> open(const std::string& path);
  ~SpendLedger();
  SpendLedger(const SpendLedger&) = delete;
  SpendLedger& operator=(const SpendLedger&) = delete;

  Result<void> add(const std::string& day, double usd);  // day: "YYYY-MM-DD"
  // USD recorded on days starting with `prefix`: a whole day, or a month ("YYYY-MM").
  Result<double> total(const std::string& prefix);

 private:
  struct Impl;
  explicit SpendLedger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  std::mutex m_mutex;
};

}  // namespace pipeline

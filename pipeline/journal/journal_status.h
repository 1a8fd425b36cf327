#pragma once
// A read-only summary of the journal for `siftd status`: it opens the database itself, so it
// works whether the daemon is running or not.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pipeline/error.h"

namespace pipeline {

struct RecentError {
  std::int64_t id = 0;
  std::string name;
  std::string stage;
  std::string code;
  std::string detail;
  std::int64_t at_ms = 0;
};

struct JournalStatus {
  std::map<std::string, std::int64_t> by_state;
  std::vector<RecentError> last_errors;  // newest first
  std::int64_t finished_last_hour = 0;
  std::int64_t finished_today = 0;
  std::int64_t tokens_today = 0;        // estimated prompt tokens of today's files
  std::int64_t naive_tokens_today = 0;  // what sending the originals would have cost
  double cost_today_usd = 0;            // from the decision log, when there is one
  std::int64_t model_tokens_today = 0;  // prompt + completion tokens the model reported
};

// `now_ms` fixes "today" (UTC midnight) and "the last hour".
Result<JournalStatus> read_journal_status(const std::string& journal_path, std::int64_t now_ms,
                                          int error_count = 5);

}  // namespace pipeline

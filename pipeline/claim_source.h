#pragma once
// Opens a file for reading before siftd claims it. A file siftd may not read (mode 000, or
// another user's) could never be hashed, decoded or placed, so it is never claimed: it stays
// where it is, and the caller says so once rather than at every rescan.

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "media/unique_fd.h"
#include "pipeline/error.h"

namespace pipeline {

struct ClaimSource {
  media::UniqueFd fd;  // open for reading; empty when the file may not be read
  std::uint64_t size = 0;
  std::string identity;    // device, inode and change time: after a chmod it is a new file
  std::string unreadable;  // why it may not be read; empty when it may
};

// The source, opened, or nothing when it vanished. Fails with ErrorCode::io when it is not a
// regular file or cannot be looked at.
Result<std::optional<ClaimSource>> open_claim_source(const std::string& path);

// Remembers what was already reported, so each unreadable file is logged once.
class ReportedOnce {
 public:
  // True the first time `key` is seen.
  bool first_time(const std::string& key);

 private:
  std::mutex m_mutex;
  std::set<std::string> m_seen;
};

}  // namespace pipeline

#pragma once
// One siftd per work area and journal: an exclusive flock on <work area>/siftd.lock and on
// <journal>.lock, taken before the journal is opened. A second daemon on the same inbox would
// resume the first one's files and ask the model for them again; it is refused, naming the
// holder's pid, which the lock file holds. The kernel drops a lock when its process ends,
// however it ends, so a leftover file never blocks a start.

#include <vector>

#include "daemon/config.h"
#include "daemon/error.h"
#include "media/unique_fd.h"

namespace daemon_core {

class InstanceLock {
 public:
  // Locks every work area of `config` and its journal; the error (code `running`) names the
  // holder's pid.
  static Result<InstanceLock> acquire(const Config& config);

 private:
  explicit InstanceLock(std::vector<media::UniqueFd> fds) : m_fds(std::move(fds)) {}
  std::vector<media::UniqueFd> m_fds;
};

}  // namespace daemon_core

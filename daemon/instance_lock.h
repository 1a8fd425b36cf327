#pragma once
// One siftd per work area and journal: an exclusive flock on <work area>/siftd.lock and on
// <journal>.lock, taken before the journal is opened. A second daemon on the same inbox would
// resume the first one's files and ask the model for them again; it is refused, naming the
// holder's pid, which the lock file holds. The kernel drops a lock when its process ends,
// however it ends, so a leftover file never blocks a start.

#include <map>
#include <string>

#include "daemon/config.h"
#include "daemon/error.h"
#include "media/unique_fd.h"

namespace daemon_core {

class InstanceLock {
 public:
  // Locks every work area of `config` and its journal; the error (code `running`) names the
  // holder's pid.
  static Result<InstanceLock> acquire(const Config& config);

  // A reload: locks the work areas of `config` not held yet and lets go of those it no longer
  // names; the journal's lock stays (a new journal takes effect at the next start). On error
  // nothing changes.
  Result<void> cover(const Config& config);

 private:
  // Lock file path -> its open, locked descriptor.
  using Held = std::map<std::string, media::UniqueFd>;
  InstanceLock(Held held, std::string journal_lock)
      : m_held(std::move(held)), m_journal_lock(std::move(journal_lock)) {}

  Held m_held;
  std::string m_journal_lock;
};

}  // namespace daemon_core

#pragma once
// Keeps the work areas and the journal honest. At start, every claimed file no unfinished
// journal row holds is put back into its inbox (a journal that lost its history strands
// nothing), and a journal that lost its history is said loudly, never silently. While running,
// a deleted work area is recreated (said loudly), and a deleted journal is a reason to stop.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "daemon/config.h"
#include "pipeline/job.h"
#include "pipeline/journal/journal.h"

namespace daemon_core {

class WorkAreaGuard {
 public:
  WorkAreaGuard(const Config& config, pipeline::Journal& journal);

  // Puts back into their inboxes the claimed files no row of `unfinished` holds, logging each.
  // Returns why the journal's history is lost, or "" when it is whole.
  std::string adopt_strays(const std::vector<pipeline::FileRecord>& unfinished);

  // Recreates every work area that was deleted, logging each. Returns why siftd must stop:
  // the journal file is gone or replaced (deleted with its work area, say), so nothing it
  // records from now on would survive a restart; nothing when all is well.
  std::optional<std::string> check();

 private:
  std::map<std::string, std::vector<std::string>> m_inboxes;  // by work area
  pipeline::Journal& m_journal;
  dev_t m_journal_device = 0;
  ino_t m_journal_inode = 0;  // 0 when the journal is not a file (nothing to watch)
};

}  // namespace daemon_core

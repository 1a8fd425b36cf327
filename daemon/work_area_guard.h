#pragma once
// Keeps the work areas and the journal honest at start: every claimed file no unfinished
// journal row holds is put back into its inbox (a journal that lost its history strands
// nothing), and a journal that lost its history is said loudly, never silently.

#include <map>
#include <string>
#include <vector>

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

 private:
  std::map<std::string, std::vector<std::string>> m_inboxes;  // by work area
  pipeline::Journal& m_journal;
};

}  // namespace daemon_core

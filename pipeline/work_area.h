#pragma once
// What the work area says about itself when the journal cannot: each claimed file carries a
// label (extended attributes: where it came from and its journal id), so a journal that lost
// its history (a deleted WAL, an emptied file) strands nothing. At start, every claimed file
// no unfinished journal row holds is put back into its inbox, under its original name.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "pipeline/job.h"

namespace pipeline {

// Labels the claimed file open as `fd` with the record's source path and id. Best effort: on a
// filesystem without user extended attributes, or a file siftd may not write, a file adopted
// later goes back as "recovered-<work name>".
void label_claimed(int fd, const FileRecord& record);

// Whether `name` is one siftd gives a claimed file in its work area.
bool is_work_name(const std::string& name);

struct Adopted {
  std::string work_path;
  std::string returned_to;  // where it is now; empty when it could not be moved
  std::string error;        // why it could not be moved
  std::int64_t id = 0;      // its id in the lost journal, from its label; 0 when unknown
};

// Puts every claimed file in `work_area` whose work name is not in `held` (those of the
// journal's unfinished rows) back into an inbox: at the path its label names when that lies in
// one of `inboxes` (a numbered name when taken), else as "recovered-<work name>" in the first.
std::vector<Adopted> adopt_unknown_files(const std::string& work_area,
                                         const std::set<std::string>& held,
                                         const std::vector<std::string>& inboxes);

}  // namespace pipeline

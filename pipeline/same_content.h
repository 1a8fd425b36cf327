#pragma once
// Whether a claimed file's bytes were seen before: placed already (still where siftd put it,
// with the same hash), or held by an earlier job that has not finished. The journal's content
// hashes answer it, so a file copied into the inbox twice is decided once.

#include <optional>
#include <string>

#include "pipeline/error.h"
#include "pipeline/job.h"
#include "pipeline/journal/journal.h"

namespace pipeline {

// What the runner does with a file whose bytes were placed before (daemon.duplicates).
enum class DuplicatePolicy {
  skip,   // removed from the inbox: not asked, not placed again
  keep,   // not looked for: asked and placed again, as any file
  route,  // set aside in {out}/_duplicates, with a sidecar naming the original
};

struct SameContent {
  // The newest earlier file with these bytes that is still at its destination.
  std::optional<FileRecord> placed;
  // An earlier job with these bytes that is not finished: the answer is not known yet.
  std::optional<FileRecord> in_flight;
};

// Looks at every other journal row with `record`'s hash. A placed one counts only while its
// destination holds the same bytes: a file moved away or edited since is no longer a copy.
Result<SameContent> find_same_content(Journal& journal, const FileRecord& record);

}  // namespace pipeline

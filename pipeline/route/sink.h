#pragma once
// Where a finished file goes, one sink per outcome (route, escalate, review, failed).
// Placement happens in two steps so the journal can hold the exact target before anything
// moves: plan() names the target, deliver() puts the file there and never overwrites.

#include <string>
#include <string_view>

#include "pipeline/error.h"
#include "pipeline/job.h"

namespace pipeline {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string_view kind() const = 0;
  // The target this record would take now. No side effect but creating folders.
  virtual Result<std::string> plan(const FileRecord& record) = 0;
  // Moves the record's work file to `target` and writes what goes with it. Fails with
  // ErrorCode::exists when the target was taken since plan(); the caller plans again.
  virtual Result<void> deliver(const FileRecord& record, const std::string& target) = 0;
  // After a crash in state `routing`: finishes a delivery to `target` that may have happened.
  // Returns true when the record is (now) fully delivered there.
  virtual Result<bool> recover(const FileRecord& record, const std::string& target) = 0;
};

}  // namespace pipeline

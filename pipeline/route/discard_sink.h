#pragma once
// A sink that removes the file it is given: where a duplicate goes when daemon.duplicates is
// "skip" (its bytes are already placed elsewhere). It plans no target, so a restart simply
// removes it again, and a file already gone counts as removed.

#include "pipeline/route/sink.h"

namespace pipeline {

class DiscardSink final : public Sink {
 public:
  std::string_view kind() const override { return "discard"; }
  Result<std::string> plan(const FileRecord& record) override;
  Result<void> deliver(const FileRecord& record, const std::string& target) override;
  Result<bool> recover(const FileRecord& record, const std::string& target) override;
};

}  // namespace pipeline

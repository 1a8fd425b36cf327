#include "pipeline/route/discard_sink.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace pipeline {

Result<std::string> DiscardSink::plan(const FileRecord&) {
  return std::string();
}

Result<void> DiscardSink::deliver(const FileRecord& record, const std::string&) {
  if (::unlink(record.work_path.c_str()) != 0 && errno != ENOENT) {
    return fail(ErrorCode::io, "cannot remove " + record.work_path + ": " + std::strerror(errno));
  }
  return {};
}

Result<bool> DiscardSink::recover(const FileRecord& record, const std::string& target) {
  if (auto ok = deliver(record, target); !ok) return tl::unexpected(ok.error());
  return true;
}

}  // namespace pipeline

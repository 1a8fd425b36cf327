#pragma once
// A sink that moves files into a folder given by a path template, with a JSON sidecar beside
// each: "<name>.siftd.json" (the decision) or "<name>.error.json" (for the failed sink).
// Template fields are filled only from validated values: {category} (a taxonomy name),
// {kind}, {outcome}, {date} (the day siftd saw the file, UTC). Never from free model text.

#include <mutex>
#include <set>
#include <string>

#include "pipeline/route/sink.h"

namespace pipeline {

enum class SidecarKind { decision, error };

class FolderSink final : public Sink {
 public:
  FolderSink(std::string path_template, SidecarKind sidecar)
      : m_template(std::move(path_template)), m_sidecar(sidecar) {}

  std::string_view kind() const override { return "folder"; }
  Result<std::string> plan(const FileRecord& record) override;
  Result<void> deliver(const FileRecord& record, const std::string& target) override;
  Result<bool> recover(const FileRecord& record, const std::string& target) override;

  // The folder for this record, the template filled in.
  Result<std::string> directory_for(const FileRecord& record) const;

 private:
  Result<void> write_sidecar(const FileRecord& record, const std::string& target) const;
  void release(const std::string& target);

  std::string m_template;
  SidecarKind m_sidecar;
  std::mutex m_mutex;
  std::set<std::string> m_reserved;  // planned by a worker, not yet delivered
};

// The sidecar's JSON text for a record placed at `target`.
std::string decision_sidecar(const FileRecord& record, const std::string& target);
std::string error_sidecar(const FileRecord& record, const std::string& target);

}  // namespace pipeline

#pragma once
// A sink that moves files into a folder given by a path template, with a JSON sidecar beside
// each: "<name>.siftd.json" (the decision) or "<name>.error.json" (for the failed sink).
// Template fields are filled only from validated values: {category} (a taxonomy name),
// {kind}, {outcome}, {date} (the day siftd saw the file, UTC). Never from free model text.
// Nothing is placed outside the sink's root: folders below it are opened without following a
// symlink, so a symlinked destination folder is refused (ErrorCode::unsafe_path).

#include <mutex>
#include <set>
#include <string>

#include "pipeline/route/directory_beneath.h"
#include "pipeline/route/output_access.h"
#include "pipeline/route/sink.h"

namespace pipeline {

enum class SidecarKind { decision, error };

class FolderSink final : public Sink {
 public:
  // `path_template` is absolute. `root` is the folder nothing may leave (the configured
  // `out`); empty: the fixed folder the template starts with, before any {field}. `access`
  // is given to each placed file, its sidecar and each folder the sink creates.
  FolderSink(std::string path_template, SidecarKind sidecar, std::string root = {},
             OutputAccess access = {});

  std::string_view kind() const override { return "folder"; }
  Result<std::string> plan(const FileRecord& record) override;
  Result<void> deliver(const FileRecord& record, const std::string& target) override;
  Result<bool> recover(const FileRecord& record, const std::string& target) override;

  // The folder for this record, the template filled in.
  Result<std::string> directory_for(const FileRecord& record) const;

 private:
  Result<OpenDirectory> open_folder(const std::string& directory, bool create) const;
  Result<void> write_sidecar(const FileRecord& record, const OpenDirectory& folder,
                             const std::string& name, const std::string& target) const;
  void give_access(const OpenDirectory& folder, const std::string& name,
                   const std::string& path) const;
  std::string sidecar_suffix() const;
  void release(const std::string& target);

  std::string m_template;
  SidecarKind m_sidecar;
  std::string m_root;
  OutputAccess m_access;
  std::mutex m_mutex;
  std::set<std::string> m_reserved;  // planned by a worker, not yet delivered
};

// The sidecar's JSON text for a record placed at `target`.
std::string decision_sidecar(const FileRecord& record, const std::string& target);
std::string error_sidecar(const FileRecord& record, const std::string& target);

}  // namespace pipeline

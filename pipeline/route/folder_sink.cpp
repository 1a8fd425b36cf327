#include "pipeline/route/folder_sink.h"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "pipeline/decide/taxonomy.h"
#include "pipeline/display_text.h"
#include "pipeline/file_hash.h"
#include "pipeline/record_json.h"
#include "pipeline/route/placement.h"

namespace pipeline {
namespace {

using nlohmann::json;

// The category the sink may use in a path: only a validated taxonomy name, never raw text.
std::string safe_category(const FileRecord& record) {
  if (!record.decision || !is_valid_category_name(record.decision->category)) return "_unknown";
  return record.decision->category;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

json common_sidecar(const FileRecord& record, const std::string& target) {
  return json{{"id", record.id},
              {"name", record.name},
              {"placed_at", target},
              {"sha256", record.sha256},
              {"size", record.size},
              {"kind", kind_name(record)},
              {"facts", parse_stored_json(record.facts_json)},
              {"token_estimate", record.token_estimate},
              {"naive_tokens", record.naive_tokens},
              {"discovered_at", utc_time(record.discovered_ms)},
              {"siftd_version", SIFTD_VERSION}};
}

std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// The folder part of the template before its first {field}: the root of a sink with no other.
std::string fixed_folder(const std::string& path_template) {
  std::string root = path_template.substr(0, path_template.find('{'));
  if (root.size() < path_template.size()) root = root.substr(0, root.rfind('/') + 1);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// "/a/b/name" -> {"/a/b", "name"}
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

FolderSink::FolderSink(std::string path_template, SidecarKind sidecar, std::string root,
                       OutputAccess access)
    : m_template(std::move(path_template)),
      m_sidecar(sidecar),
      m_root(root.empty() ? fixed_folder(m_template) : std::move(root)),
      m_access(access) {}

std::string decision_sidecar(const FileRecord& record, const std::string& target) {
  json sidecar = common_sidecar(record, target);
  sidecar["outcome"] = outcome_json(record);
  sidecar["decision"] = decision_json(record);
  // A duplicate's decision is its original's; the sidecar says which file that was.
  if (record.outcome == Outcome::duplicate && record.error)
    sidecar["duplicate_of"] = record.error->detail;
  return dump(sidecar);
}

std::string error_sidecar(const FileRecord& record, const std::string& target) {
  json sidecar = common_sidecar(record, target);
  const json error = error_json(record);
  sidecar["stage"] = error.is_null() ? json(nullptr) : error["stage"];
  sidecar["error_code"] = error.is_null() ? json(nullptr) : error["code"];
  sidecar["message"] = error.is_null() ? json(nullptr) : error["message"];
  sidecar["attempts"] = record.attempts;
  sidecar["time"] = utc_time(now_ms());
  return dump(sidecar);
}

Result<std::string> FolderSink::directory_for(const FileRecord& record) const {
  std::string directory = m_template;
  replace_all(directory, "{category}", safe_category(record));
  replace_all(directory, "{kind}", record.kind ? media::to_string(*record.kind) : "_unknown");
  replace_all(directory, "{outcome}",
              std::string(to_string(record.outcome.value_or(Outcome::quarantined))));
  replace_all(directory, "{date}", utc_date(record.discovered_ms));
  return directory;
}

Result<std::string> FolderSink::plan(const FileRecord& record) {
  auto directory = directory_for(record);
  if (!directory) return directory;
  auto folder = open_directory_beneath(m_root, *directory, /*create=*/true, m_access);
  if (!folder) return tl::unexpected(folder.error());
  // Reserve room for the sidecar's name as well: both must be free.
  const std::string suffix = sidecar_suffix();
  auto is_free = [&](const std::string& name) {
    struct stat info {};
    return ::fstatat(folder->fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 &&
           errno == ENOENT;
  };
  // A target planned by another worker and not yet delivered is taken too: two files of the
  // same name (and maybe the same bytes) must never share one, or recovery could mistake one
  // for the other.
  std::lock_guard lock(m_mutex);
  for (int number = 0; number < 10'000; ++number) {
    // A name near NAME_MAX is shortened so that its sidecar's name fits too; the sidecar
    // keeps the original name.
    const std::string name = fitting_numbered_name(record.name, number, suffix.size());
    const std::string candidate = *directory + "/" + name;
    if (m_reserved.count(candidate)) continue;
    if (!is_free(name) || !is_free(name + suffix)) continue;
    m_reserved.insert(candidate);
    return candidate;
  }
  return fail(ErrorCode::exists, "no free name in " + *directory);
}

std::string FolderSink::sidecar_suffix() const {
  return m_sidecar == SidecarKind::decision ? ".siftd.json" : ".error.json";
}

Result<OpenDirectory> FolderSink::open_folder(const std::string& directory, bool create) const {
  // A row planned under another configuration may name a folder outside today's root.
  if (!is_beneath(directory, m_root)) return open_directory(directory, create);
  return open_directory_beneath(m_root, directory, create);
}

Result<void> FolderSink::write_sidecar(const FileRecord& record, const OpenDirectory& folder,
                                       const std::string& name, const std::string& target) const {
  const std::string content = m_sidecar == SidecarKind::decision ? decision_sidecar(record, target)
                                                                 : error_sidecar(record, target);
  // Replace: a sidecar left by an interrupted delivery of this same record is ours.
  const std::string sidecar = name + sidecar_suffix();
  give_access(folder, name, target);  // before the sidecar says the file is there
  if (auto ok = write_file_in(folder, sidecar, content, /*replace=*/true); !ok) return ok;
  give_access(folder, sidecar, folder.path + "/" + sidecar);
  return {};
}

// The file is placed by now: a filesystem that refuses chmod or chgrp (vfat, some network
// shares) is said in the log, and must not send a delivered file to quarantine.
void FolderSink::give_access(const OpenDirectory& folder, const std::string& name,
                             const std::string& path) const {
  if (auto ok = apply_file_access(m_access, folder.fd.get(), name, path); !ok)
    spdlog::warn("output access: {}", printable(ok.error().detail));
}

void FolderSink::release(const std::string& target) {
  std::lock_guard lock(m_mutex);
  m_reserved.erase(target);
}

Result<void> FolderSink::deliver(const FileRecord& record, const std::string& target) {
  const auto [directory, name] = split_path(target);
  auto folder = open_directory_beneath(m_root, directory, /*create=*/true, m_access);
  auto placed = folder ? place_file_in(record.work_path, *folder, name, record.sha256)
                       : Result<void>(tl::unexpected(folder.error()));
  release(target);  // placed, or failed: either way the reservation has done its job
  if (!placed) return placed;
  return write_sidecar(record, *folder, name, target);
}

Result<bool> FolderSink::recover(const FileRecord& record, const std::string& target) {
  struct stat info {};
  const bool work_exists = ::lstat(record.work_path.c_str(), &info) == 0;
  const auto [directory, name] = split_path(target);
  auto folder = open_folder(directory, /*create=*/false);
  if (!folder && folder.error().code == ErrorCode::unsafe_path)
    return tl::unexpected(folder.error());
  if (folder) {
    media::UniqueFd placed(
        ::openat(folder->fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    Result<std::string> hash =
        placed ? sha256_fd(placed.get(), target) : fail(ErrorCode::io, "cannot open " + target);
    if (hash && *hash == record.sha256) {
      // Placed before the crash (or linked during a copy): finish the job.
      if (work_exists) ::unlink(record.work_path.c_str());
      if (auto ok = write_sidecar(record, *folder, name, target); !ok)
        return tl::unexpected(ok.error());
      return true;
    }
  }
  if (!work_exists) {
    return fail(ErrorCode::io, "file " + std::to_string(record.id) +
                                   " is neither in the work area nor at " + target);
  }
  return false;  // not delivered: plan and deliver again
}

}  // namespace pipeline

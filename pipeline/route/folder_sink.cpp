#include "pipeline/route/folder_sink.h"

#include <cerrno>

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

}  // namespace

std::string decision_sidecar(const FileRecord& record, const std::string& target) {
  json sidecar = common_sidecar(record, target);
  sidecar["outcome"] = outcome_json(record);
  sidecar["decision"] = decision_json(record);
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
  if (auto ok = make_directories(*directory); !ok) return tl::unexpected(ok.error());
  // Reserve room for the sidecar's name as well: both must be free.
  const std::string suffix = m_sidecar == SidecarKind::decision ? ".siftd.json" : ".error.json";
  // A target planned by another worker and not yet delivered is taken too: two files of the
  // same name (and maybe the same bytes) must never share one, or recovery could mistake one
  // for the other.
  std::lock_guard lock(m_mutex);
  // A name near NAME_MAX is shortened so that its sidecar's name fits too; the sidecar keeps
  // the original name.
  auto is_free = [](const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) != 0 && errno == ENOENT;
  };
  for (int number = 0; number < 10'000; ++number) {
    const std::string candidate =
        *directory + "/" + fitting_numbered_name(record.name, number, suffix.size());
    if (m_reserved.count(candidate)) continue;
    if (!is_free(candidate) || !is_free(candidate + suffix)) continue;
    m_reserved.insert(candidate);
    return candidate;
  }
  return fail(ErrorCode::exists, "no free name in " + *directory);
}

Result<void> FolderSink::write_sidecar(const FileRecord& record, const std::string& target) const {
  const bool is_decision = m_sidecar == SidecarKind::decision;
  const std::string path = target + (is_decision ? ".siftd.json" : ".error.json");
  const std::string content =
      is_decision ? decision_sidecar(record, target) : error_sidecar(record, target);
  // Replace: a sidecar left by an interrupted delivery of this same record is ours.
  return write_file_atomic(path, content, /*replace=*/true);
}

void FolderSink::release(const std::string& target) {
  std::lock_guard lock(m_mutex);
  m_reserved.erase(target);
}

Result<void> FolderSink::deliver(const FileRecord& record, const std::string& target) {
  auto placed = place_file_at(record.work_path, target, record.sha256);
  release(target);  // placed, or failed: either way the reservation has done its job
  if (!placed) return placed;
  return write_sidecar(record, target);
}

Result<bool> FolderSink::recover(const FileRecord& record, const std::string& target) {
  struct stat info {};
  const bool work_exists = ::lstat(record.work_path.c_str(), &info) == 0;
  const bool target_exists = ::lstat(target.c_str(), &info) == 0;
  if (target_exists) {
    auto hash = sha256_file(target);
    const bool ours = hash && *hash == record.sha256;
    if (ours) {
      // Placed before the crash (or linked during a copy): finish the job.
      if (work_exists) ::unlink(record.work_path.c_str());
      if (auto ok = write_sidecar(record, target); !ok) return tl::unexpected(ok.error());
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

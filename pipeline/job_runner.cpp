#include "pipeline/job_runner.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <linux/fs.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pipeline/display_text.h"
#include "pipeline/file_hash.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/normalized_json.h"
#include "pipeline/route/placement.h"

namespace pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string random_work_name() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string name;
  for (int i = 0; i < 20; ++i) name.push_back(k_hex[engine() % 16]);
  return name;
}

}  // namespace

Sink& Sinks::for_outcome(Outcome outcome) {
  switch (outcome) {
    case Outcome::route: return *route;
    case Outcome::escalate: return *escalate;
    case Outcome::review: return *review;
    case Outcome::failed: return *failed;
  }
  return *failed;
}

Result<std::optional<FileRecord>> JobRunner::claim(const std::string& source,
                                                   const std::string& work_dir) {
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0) return std::optional<FileRecord>{};
  if (!S_ISREG(info.st_mode)) return fail(ErrorCode::io, "not a regular file: " + source);

  // The work name is chosen before the journal row exists, so a crash between the row and
  // the rename leaves a row that says exactly where to look.
  FileRecord record;
  record.state = FileState::discovered;
  record.source_path = source;
  record.name = base_name(source);
  record.size = static_cast<std::uint64_t>(info.st_size);
  record.work_path = work_dir + "/" + random_work_name();
  if (auto ok = m_ports.journal.insert(record); !ok) return tl::unexpected(ok.error());

  const long rc = ::syscall(SYS_renameat2, AT_FDCWD, source.c_str(), AT_FDCWD,
                            record.work_path.c_str(), RENAME_NOREPLACE);
  if (rc != 0) {
    const int saved = errno;
    mark_vanished(record, std::string("claim: ") + std::strerror(saved));
    if (saved == ENOENT) return std::optional<FileRecord>{};
    return fail(ErrorCode::io, "cannot claim " + source + ": " + std::strerror(saved));
  }
  if (auto ok = finish_claim(record); !ok) return tl::unexpected(ok.error());
  return std::optional<FileRecord>{std::move(record)};
}

Result<void> JobRunner::finish_claim(FileRecord& record) {
  auto hash = sha256_file(record.work_path);
  if (!hash) return tl::unexpected(hash.error());
  record.sha256 = *hash;
  record.state = FileState::claimed;
  return m_ports.journal.update(record);
}

void JobRunner::mark_vanished(FileRecord& record, std::string why) {
  record.state = FileState::done;
  record.outcome = "vanished";
  record.error_detail = std::move(why);
  if (auto ok = m_ports.journal.update(record); !ok) {
    spdlog::error("file={} journal: {}", record.id, ok.error().detail);
  }
}

std::optional<FileRecord> JobRunner::resume(FileRecord record) {
  if (record.state != FileState::discovered) return record;
  struct stat info {};
  if (!record.work_path.empty() && ::lstat(record.work_path.c_str(), &info) == 0) {
    // The rename happened; its journal entry did not.
    if (auto ok = finish_claim(record); !ok) {
      spdlog::error("file={} cannot resume its claim: {}", record.id, ok.error().detail);
      return std::nullopt;
    }
    return record;
  }
  // Never claimed: the file, if it is still there, is found again by the scan.
  mark_vanished(record, "not claimed before a restart");
  return std::nullopt;
}

JobReport JobRunner::quarantine(JobReport report, std::string stage, std::string code,
                                std::string detail) {
  FileRecord& record = report.record;
  // A half-done delivery to another sink is not the failed sink's to recover.
  if (record.state == FileState::routing && record.outcome != "failed") {
    record.state = FileState::decided;
  }
  record.outcome = "failed";
  record.error_stage = std::move(stage);
  record.error_code = std::move(code);
  record.error_detail = std::move(detail);
  if (auto ok = route(report, *m_ports.sinks.failed); !ok) {
    spdlog::error("file={} cannot be quarantined: {}", record.id, ok.error().detail);
    if (m_ports.decisions) m_ports.decisions->record(report);
    return report;
  }
  spdlog::warn("file={} name=\"{}\" quarantined at {}: {} {}: {}", record.id,
               printable(record.name), record.error_stage, record.error_code,
               printable(record.destination), record.error_detail);
  if (m_ports.decisions) m_ports.decisions->record(report);
  return report;
}

Result<void> JobRunner::route(JobReport& report, Sink& sink) {
  FileRecord& record = report.record;
  const auto start = Clock::now();
  const bool failing = &sink == m_ports.sinks.failed.get();
  if (record.state == FileState::routing && !record.destination.empty()) {
    auto recovered = sink.recover(record, record.destination);
    if (!recovered) return tl::unexpected(recovered.error());
    if (*recovered) {
      record.state = failing ? FileState::quarantined : FileState::done;
      report.route_ms = ms_since(start);
      return m_ports.journal.update(record);
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto target = sink.plan(record);
    if (!target) return tl::unexpected(target.error());
    record.state = FileState::routing;
    record.destination = *target;
    if (auto ok = m_ports.journal.update(record); !ok) return ok;
    auto delivered = sink.deliver(record, *target);
    if (delivered) {
      record.state = failing ? FileState::quarantined : FileState::done;
      report.route_ms = ms_since(start);
      return m_ports.journal.update(record);
    }
    if (delivered.error().code != ErrorCode::exists) return delivered;
  }
  return fail(ErrorCode::exists, "every planned target was taken");
}

JobReport JobRunner::run(FileRecord record) {
  JobReport report;
  report.record = std::move(record);
  FileRecord& r = report.record;

  // Counted before any work, so a worker that dies on this file leaves the count behind.
  ++r.attempts;
  if (auto ok = m_ports.journal.update(r); !ok) {
    spdlog::error("file={} journal: {}", r.id, ok.error().detail);
    return report;
  }
  if (r.attempts > m_settings.max_attempts && r.state != FileState::routing) {
    return quarantine(std::move(report), "poison", "poison",
                      "a worker started on this file " + std::to_string(r.attempts - 1) +
                          " times without finishing");
  }

  if (r.state == FileState::claimed || r.state == FileState::normalized) {
    const auto normalize_start = Clock::now();
    auto normalized = m_ports.normalizer.normalize(r.work_path);
    report.normalize_ms = ms_since(normalize_start);
    if (!normalized) {
      return quarantine(std::move(report), "normalize",
                        std::string(media::to_string(normalized.error().code)),
                        normalized.error().detail);
    }
    r.kind = media::to_string(normalized->kind);
    r.facts_json = facts_to_json(normalized->facts);
    r.token_estimate = normalized->token_estimate;
    r.naive_tokens = normalized->naive_tokens;
    r.state = FileState::normalized;
    if (auto ok = m_ports.journal.update(r); !ok) {
      spdlog::error("file={} journal: {}", r.id, ok.error().detail);
      return report;
    }

    const auto decide_start = Clock::now();
    auto answer = m_ports.backend.decide(*normalized, DecideContext{r.sha256});
    report.decide_ms = ms_since(decide_start);
    if (!answer) {
      // Shutdown, a per-day quota or a spend cap: the record stays `normalized` and resumes
      // later; the file is not at fault, so it is not quarantined.
      const ErrorCode code = answer.error().code;
      if (code == ErrorCode::cancelled || code == ErrorCode::quota ||
          code == ErrorCode::over_budget) {
        report.parked = std::string(to_string(code));
        return report;
      }
      return quarantine(std::move(report), "decide", std::string(to_string(answer.error().code)),
                        answer.error().detail);
    }
    report.backend = answer->backend;
    report.model = answer->model;
    report.usage = answer->usage;
    report.answer = *answer;
    r.decision_json = to_json(answer->decision);
    r.outcome = std::string(to_string(decide_outcome(answer->decision, m_settings.thresholds)));
    r.state = FileState::decided;
    if (auto ok = m_ports.journal.update(r); !ok) {
      spdlog::error("file={} journal: {}", r.id, ok.error().detail);
      return report;
    }
  }

  if (r.outcome == "failed") {
    return quarantine(std::move(report), r.error_stage, r.error_code, r.error_detail);
  }
  const Outcome outcome = r.outcome == "route"      ? Outcome::route
                          : r.outcome == "escalate" ? Outcome::escalate
                                                    : Outcome::review;
  if (auto ok = route(report, m_ports.sinks.for_outcome(outcome)); !ok) {
    return quarantine(std::move(report), "route", std::string(to_string(ok.error().code)),
                      ok.error().detail);
  }
  if (m_ports.decisions) m_ports.decisions->record(report);
  return report;
}

}  // namespace pipeline

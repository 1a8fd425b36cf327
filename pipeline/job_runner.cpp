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
#include "pipeline/route/directory_beneath.h"
#include "pipeline/route/placement.h"
#include "pipeline/work_area.h"

namespace pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
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
    case Outcome::duplicate: return duplicates ? *duplicates : *failed;
    default: return *failed;
  }
}

std::optional<DecisionRow> decision_row(const JobReport& report) {
  const FileRecord& record = report.record;
  const bool failed_to_decide = record.error && record.error->stage == Stage::decide;
  const bool duplicate = record.outcome == Outcome::duplicate;
  if (!report.answer && !failed_to_decide && !duplicate) return std::nullopt;
  DecisionRow row;
  row.file_id = record.id;
  row.path = record.source_path;
  row.sha256 = record.sha256;
  row.kind = record.kind ? media::to_string(*record.kind) : std::string();
  row.facts_json = record.facts_json;
  row.token_estimate = record.token_estimate;
  row.naive_tokens = record.naive_tokens;
  if (record.outcome) row.outcome = to_string(*record.outcome);
  row.destination = record.destination;
  if (record.error) {
    row.error = std::string(to_string(record.error->stage)) + ": " + record.error->code + ": " +
                record.error->detail;
  }
  if (report.answer) {
    const Answer& answer = *report.answer;
    row.request_id = answer.request_id;
    row.backend = answer.backend;
    row.model = answer.model;
    row.prompt_version = answer.prompt_version;
    row.raw_reply = answer.raw_reply;
    row.decision_json = to_json(answer.decision);
    row.prompt_tokens = answer.usage.prompt_tokens;
    row.cached_tokens = answer.usage.cached_tokens;
    row.completion_tokens = answer.usage.completion_tokens;
    row.cost_usd = answer.usage.cost_usd;
  } else if (record.decision) {
    row.decision_json = to_json(*record.decision);  // a duplicate's, taken from its original
  }
  row.normalize_ms = report.timings.normalize_ms;
  row.decide_ms = report.timings.decide_ms;
  row.route_ms = report.route_ms;
  return row;
}

namespace {

// A claim that failed with ENOENT while its source is still there lost its work area (deleted
// while siftd ran): it is made again, so the file is claimed instead of counted as vanished.
bool recreated_work_area(const std::string& source, const std::string& work_dir) {
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0 || ::lstat(work_dir.c_str(), &info) == 0) return false;
  if (auto ok = make_directories(work_dir); !ok) {
    spdlog::error("the work area {} is gone: {}", printable(work_dir), ok.error().detail);
    return false;
  }
  spdlog::error("the work area {} was deleted while siftd ran; recreated", printable(work_dir));
  return true;
}

}  // namespace

Result<std::optional<FileRecord>> JobRunner::claim(const std::string& source,
                                                   const std::string& work_dir) {
  // Opened before anything moves: a file siftd may not read could never be hashed, decoded or
  // placed, so it is not claimed. It stays where it is, said once, not at every rescan.
  auto opened = open_claim_source(source);
  if (!opened) return tl::unexpected(opened.error());
  if (!*opened) return std::optional<FileRecord>{};
  const ClaimSource& file = **opened;
  if (!file.unreadable.empty()) {
    if (m_unreadable.first_time(source + "\n" + file.identity)) {
      spdlog::warn("not taking \"{}\": unreadable ({}); it stays where it is", printable(source),
                   file.unreadable);
    }
    return std::optional<FileRecord>{};
  }

  // The work name is chosen before the journal row exists, so a crash between the row and
  // the rename leaves a row that says exactly where to look.
  FileRecord record;
  record.state = FileState::discovered;
  record.source_path = source;
  record.name = base_name(source);
  record.size = file.size;
  record.work_path = work_dir + "/" + random_work_name();
  if (auto ok = m_ports.journal.insert(record); !ok) return tl::unexpected(ok.error());

  long rc = ::syscall(SYS_renameat2, AT_FDCWD, source.c_str(), AT_FDCWD, record.work_path.c_str(),
                      RENAME_NOREPLACE);
  if (rc != 0 && errno == ENOENT && recreated_work_area(source, work_dir)) {
    rc = ::syscall(SYS_renameat2, AT_FDCWD, source.c_str(), AT_FDCWD, record.work_path.c_str(),
                   RENAME_NOREPLACE);
  }
  if (rc != 0) {
    const int saved = errno;
    mark_vanished(record, std::string("claim: ") + std::strerror(saved));
    if (saved == ENOENT) return std::optional<FileRecord>{};
    return fail(ErrorCode::io, "cannot claim " + source + ": " + std::strerror(saved));
  }
  // Where it came from travels with it, in case the journal loses its row (work_area.h).
  label_claimed(file.fd.get(), record);
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
  record.outcome = Outcome::vanished;
  record.error = StageError{Stage::claim, "vanished", std::move(why)};
  save(record);
}

bool JobRunner::save(FileRecord& record) {
  if (auto ok = m_ports.journal.update(record); !ok) {
    spdlog::error("file={} journal: {}", record.id, ok.error().detail);
    return false;
  }
  return true;
}

void JobRunner::log_decision(const JobReport& report) {
  if (!m_ports.decisions) return;
  auto row = decision_row(report);
  if (!row) return;
  // The file is already where it belongs; a failed log row must not undo that.
  if (auto ok = m_ports.decisions->append(*row); !ok) {
    spdlog::error("file={} decision log: {}", report.record.id, ok.error().detail);
  }
}

std::optional<FileRecord> JobRunner::resume(FileRecord record) {
  if (record.state != FileState::discovered) return record;
  struct stat info {};
  if (!record.work_path.empty() && ::lstat(record.work_path.c_str(), &info) == 0) {
    // The rename happened; its journal entry did not.
    if (auto ok = finish_claim(record); !ok) {
      // Unreadable, say (claimed by an older siftd): back where it came from, rather than
      // failing again at every start.
      give_back(record, ok.error().detail);
      return std::nullopt;
    }
    return record;
  }
  // Never claimed: the file, if it is still there, is found again by the scan.
  mark_vanished(record, "not claimed before a restart");
  return std::nullopt;
}

void JobRunner::give_back(FileRecord& record, const std::string& why) {
  const auto slash = record.source_path.rfind('/');
  auto back = place_file(record.work_path, record.source_path.substr(0, slash), record.name,
                         /*sha256=*/"");
  if (!back) {
    spdlog::error("file={} cannot resume its claim ({}) nor go back: {}", record.id, why,
                  back.error().detail);
    return;
  }
  spdlog::warn("file={} cannot be taken ({}); put back as \"{}\"", record.id, why,
               printable(*back));
  record.state = FileState::done;
  record.outcome = Outcome::requeued;
  record.error = StageError{Stage::claim, "unreadable", why};
  save(record);
}

JobReport JobRunner::quarantine(JobReport report, StageError error) {
  FileRecord& record = report.record;
  // A half-done delivery to another sink is not the failed sink's to recover.
  if (record.state == FileState::routing && record.outcome != Outcome::quarantined) {
    record.state = FileState::decided;
  }
  record.outcome = Outcome::quarantined;
  record.error = std::move(error);
  if (auto ok = route(report, *m_ports.sinks.failed); !ok) {
    if (ok.error().code == ErrorCode::no_space) return wait_for_room(std::move(report), ok.error());
    spdlog::error("file={} cannot be quarantined: {}", record.id, ok.error().detail);
    log_decision(report);
    return report;
  }
  spdlog::warn("file={} name=\"{}\" quarantined at {}: {} {}: {}", record.id,
               printable(record.name), to_string(record.error->stage), record.error->code,
               printable(record.destination), record.error->detail);
  log_decision(report);
  return report;
}

// A full disk is no fault of the file's: it stays in the work area with its row as it is
// (`decided`, or `routing` with the target it will be placed at), and runs again when the
// service retries parked work. The attempt is given back, so waiting never makes it poison.
JobReport JobRunner::wait_for_room(JobReport report, const Error& error) {
  FileRecord& r = report.record;
  spdlog::warn("file={} waits for room: {}", r.id, error.detail);
  report.parked = "no_space";
  --r.attempts;
  save(r);
  return report;
}

Result<void> JobRunner::route(JobReport& report, Sink& sink) {
  FileRecord& record = report.record;
  const auto start = SteadyClock::now();
  const bool failing = &sink == m_ports.sinks.failed.get();
  const FileState placed = failing ? FileState::quarantined : FileState::done;
  if (record.state == FileState::routing && !record.destination.empty()) {
    auto recovered = sink.recover(record, record.destination);
    if (!recovered) return tl::unexpected(recovered.error());
    if (*recovered) {
      record.state = placed;
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
      record.state = placed;
      report.route_ms = ms_since(start);
      return m_ports.journal.update(record);
    }
    if (delivered.error().code != ErrorCode::exists) return delivered;
  }
  return fail(ErrorCode::exists, "every planned target was taken");
}

// Counted before any work, so a worker that dies on this file leaves the count behind.
bool JobRunner::count_attempt(JobReport& report) {
  ++report.record.attempts;
  return save(report.record);
}

// Same bytes as a file already placed: decided as `duplicate` with the original's decision,
// without asking. False when the job stops here: an earlier job with the same bytes is not
// finished yet (the file waits for its answer), or the journal failed.
bool JobRunner::check_duplicate(JobReport& report) {
  FileRecord& r = report.record;
  auto same = find_same_content(m_ports.journal, r);
  if (!same) {
    // Not knowing is no reason to hold the file: it is decided as new.
    spdlog::warn("file={} duplicate check: {}", r.id, same.error().detail);
    return true;
  }
  if (same->placed) {
    const FileRecord& original = *same->placed;
    r.kind = original.kind;
    r.facts_json = original.facts_json;
    r.decision = original.decision;
    r.outcome = Outcome::duplicate;
    r.error = StageError{
        Stage::claim, "duplicate",
        "same bytes as file " + std::to_string(original.id) + " at " + original.destination};
    r.state = FileState::decided;
    return save(r);
  }
  if (same->in_flight) {
    report.parked = "same_content";
    --r.attempts;  // waiting never makes a file poison
    save(r);
    return false;
  }
  return true;
}

// Triage, journaled: `normalized` before the backend is asked, `decided` before anything
// moves. False when the job stops here (parked, quarantined, or the journal failed).
bool JobRunner::decide(JobReport& report) {
  FileRecord& r = report.record;
  bool journal_failed = false;
  TriageRequest request{r.work_path, DecideContext{r.sha256},
                        [&](const media::Normalized& normalized) -> Result<void> {
                          r.kind = normalized.kind;
                          r.facts_json = facts_to_json(normalized.facts);
                          r.token_estimate = normalized.token_estimate;
                          r.naive_tokens = normalized.naive_tokens;
                          r.state = FileState::normalized;
                          journal_failed = !save(r);
                          if (journal_failed) return fail(ErrorCode::journal, "not journaled");
                          return {};
                        }};
  Triaged triaged = triage(m_ports.normalizer, m_ports.backend, m_settings.thresholds, request);
  report.timings = triaged.timings;
  report.answer = std::move(triaged.answer);
  if (journal_failed) return false;
  if (!triaged.parked.empty()) {
    // The file is not at fault: it stays `normalized` and resumes later.
    report.parked = triaged.parked;
    return false;
  }
  if (triaged.error) {
    if (!r.kind) r.kind = triaged.probed_kind;  // a corrupt image is still counted as an image
    report = quarantine(std::move(report), std::move(*triaged.error));
    return false;
  }
  r.decision = report.answer->decision;
  r.outcome = triaged.outcome;
  r.state = FileState::decided;
  return save(r);
}

JobReport JobRunner::deliver(JobReport report) {
  FileRecord& r = report.record;
  if (r.outcome == Outcome::quarantined) {
    // Quarantined before a restart, and not yet in the failed sink.
    StageError error = r.error.value_or(StageError{Stage::route, "internal", "no error recorded"});
    return quarantine(std::move(report), std::move(error));
  }
  if (auto ok = route(report, m_ports.sinks.for_outcome(r.outcome.value_or(Outcome::review)));
      !ok) {
    if (ok.error().code == ErrorCode::no_space) return wait_for_room(std::move(report), ok.error());
    return quarantine(
        std::move(report),
        StageError{Stage::route, std::string(to_string(ok.error().code)), ok.error().detail});
  }
  if (r.outcome == Outcome::duplicate) {
    spdlog::info("file={} name=\"{}\" is a duplicate ({}): {}", r.id, printable(r.name),
                 printable(r.error ? r.error->detail : ""),
                 r.destination.empty() ? "removed" : "set aside at " + printable(r.destination));
  }
  log_decision(report);
  return report;
}

JobReport JobRunner::run(FileRecord record) {
  FileRecord before = record;
  try {
    return run_stages(std::move(record));
  } catch (const std::exception& e) {
    return quarantine_after_throw(std::move(before), e.what());
  } catch (...) {
    return quarantine_after_throw(std::move(before), "an exception of unknown type");
  }
}

// The journal knows how far the job got: a finished file stays as it is, any other goes to
// the failed sink. If even that throws, the row resumes at the next start.
JobReport JobRunner::quarantine_after_throw(FileRecord record, const std::string& what) {
  const std::int64_t id = record.id;
  JobReport report;
  report.record = std::move(record);
  try {
    spdlog::error("file={} the job threw: {}", id, printable(what));
    if (auto stored = m_ports.journal.get(id); stored && *stored) report.record = **stored;
    const FileState state = report.record.state;
    if (state == FileState::done || state == FileState::quarantined) return report;
    // The stage that threw is the one the journaled state was waiting for.
    const Stage stage = state == FileState::claimed      ? Stage::normalize
                        : state == FileState::normalized ? Stage::decide
                                                         : Stage::route;
    return quarantine(std::move(report), StageError{stage, "exception", "the job threw: " + what});
  } catch (...) {
    spdlog::error("file={} cannot be quarantined now; it resumes at the next start", id);
    return JobReport{};
  }
}

JobReport JobRunner::run_stages(FileRecord record) {
  JobReport report;
  report.record = std::move(record);
  FileRecord& r = report.record;

  if (!count_attempt(report)) return report;
  if (r.attempts > m_settings.max_attempts && r.state != FileState::routing) {
    return quarantine(std::move(report),
                      StageError{Stage::poison, "poison",
                                 "a worker started on this file " + std::to_string(r.attempts - 1) +
                                     " times without finishing"});
  }
  if (r.state == FileState::claimed && m_settings.duplicates != DuplicatePolicy::keep &&
      !check_duplicate(report)) {
    return report;
  }
  const bool undecided = r.state == FileState::claimed || r.state == FileState::normalized;
  if (undecided && !decide(report)) return report;
  return deliver(std::move(report));
}

}  // namespace pipeline

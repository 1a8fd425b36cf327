#pragma once
// JobRunner: one file from claim to its destination.
//
// DESIGN: every stage is journaled before the next side effect, so a crash at any point
// resumes from the last durable stage and never routes a file twice:
//   claim      rename into the work area (same filesystem), hash, journal `claimed`
//   duplicate  bytes already placed are not asked again: decided as `duplicate` from the
//              journal's hashes, then removed or set aside (daemon.duplicates); a copy of a
//              file still in flight waits for it
//   triage     normalize (media/ through the Normalizer port, isolated workers in the daemon),
//              journal `normalized`, ask the Backend, apply the thresholds (triage.h)
//   decided    the outcome is durable before anything moves, so a restart never asks (or
//              bills) again
//   route      the outcome's sink plans an exact target, the journal holds it (`routing`),
//              then the file moves there without overwriting; `done`
//   quarantine any stage's error sends the file to the failed sink with an error sidecar;
//              a full disk is not an error of the file's: it waits in the work area for room
// A file that a worker started more than `max_attempts` times (it crashed or hung the
// process each time) is quarantined as poison instead of being tried again.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/claim_source.h"
#include "pipeline/decide/backend.h"
#include "pipeline/decide/policy.h"
#include "pipeline/error.h"
#include "pipeline/job.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"
#include "pipeline/normalizer.h"
#include "pipeline/route/sink.h"
#include "pipeline/same_content.h"
#include "pipeline/triage.h"

namespace pipeline {

struct Sinks {
  std::unique_ptr<Sink> route;
  std::unique_ptr<Sink> escalate;
  std::unique_ptr<Sink> review;
  std::unique_ptr<Sink> failed;
  std::unique_ptr<Sink> duplicates;  // removes or sets aside; none while duplicates are kept

  // The sink for route, escalate, review or duplicate; every other outcome goes to `failed`.
  Sink& for_outcome(Outcome outcome);
};

// What one finished job reports (for logs, metrics and `siftd once`).
struct JobReport {
  FileRecord record;
  std::optional<Answer> answer;  // what the backend answered in this run, for the decision log
  Timings timings;
  double route_ms = 0;
  // Why the job was put off: its decision ("quota", "over_budget", "cancelled") or its
  // placement ("no_space").
  std::string parked;
};

// The decision-log row of a finished job, or nothing when the job asked no backend in this
// run (a file that failed to normalize, or a decision resumed from the journal).
std::optional<DecisionRow> decision_row(const JobReport& report);

struct JobPorts {
  Journal& journal;
  Normalizer& normalizer;
  Backend& backend;
  Sinks& sinks;
  DecisionLog* decisions = nullptr;  // when set, one row per decision attempt
};

struct JobSettings {
  Thresholds thresholds;
  int max_attempts = 2;
  DuplicatePolicy duplicates = DuplicatePolicy::keep;
};

class JobRunner {
 public:
  JobRunner(JobPorts ports, JobSettings settings) : m_ports(ports), m_settings(settings) {}

  // Moves `source` into `work_dir` and journals it. Returns nothing (and no error) when the
  // file vanished before it could be claimed, or may not be read (logged once, left alone).
  Result<std::optional<FileRecord>> claim(const std::string& source, const std::string& work_dir);

  // For a record found unfinished at start: the record ready to run, or nothing when there
  // is nothing left to do for it.
  std::optional<FileRecord> resume(FileRecord record);

  // Runs a claimed (or resumed) record to `done` or `quarantined`, or parks it. Whatever a
  // stage throws (std::bad_alloc, a library's exception) quarantines this file; nothing escapes.
  JobReport run(FileRecord record);

 private:
  JobReport run_stages(FileRecord record);
  JobReport quarantine_after_throw(FileRecord record, const std::string& what);
  bool count_attempt(JobReport& report);
  bool check_duplicate(JobReport& report);
  bool decide(JobReport& report);
  JobReport deliver(JobReport report);
  Result<void> finish_claim(FileRecord& record);
  void give_back(FileRecord& record, const std::string& why);
  void mark_vanished(FileRecord& record, std::string why);
  JobReport quarantine(JobReport report, StageError error);
  JobReport wait_for_room(JobReport report, const Error& error);
  Result<void> route(JobReport& report, Sink& sink);
  bool save(FileRecord& record);
  void log_decision(const JobReport& report);

  JobPorts m_ports;
  JobSettings m_settings;
  ReportedOnce m_unreadable;  // unreadable files already logged
};

}  // namespace pipeline

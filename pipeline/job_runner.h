#pragma once
// run_job: one file from claim to its destination.
//
// DESIGN: every stage is journaled before the next side effect, so a crash at any point
// resumes from the last durable stage and never routes a file twice:
//   claim      rename into the work area (same filesystem), hash, journal `claimed`
//   normalize  media/ through the Normalizer port (isolated workers in the daemon)
//   decide     the Backend answers; thresholds turn the answer into an outcome; `decided`
//              is durable before anything moves, so a restart never asks (or bills) again
//   route      the outcome's sink plans an exact target, the journal holds it (`routing`),
//              then the file moves there without overwriting; `done`
//   fail       any stage's error sends the file to the failed sink with an error sidecar
// A file that a worker started more than `max_attempts` times (it crashed or hung the
// process each time) is quarantined as poison instead of being tried again.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/decide/backend.h"
#include "pipeline/decide/policy.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/error.h"
#include "pipeline/journal/journal.h"
#include "pipeline/normalizer.h"
#include "pipeline/route/sink.h"

namespace pipeline {

class DecisionLog;

struct Sinks {
  std::unique_ptr<Sink> route;
  std::unique_ptr<Sink> escalate;
  std::unique_ptr<Sink> review;
  std::unique_ptr<Sink> failed;

  Sink& for_outcome(Outcome outcome);
};

// What one finished job reports (for logs, metrics and `siftd once`).
struct JobReport {
  FileRecord record;
  std::string backend;
  std::string model;
  Usage usage;
  double normalize_ms = 0;
  double decide_ms = 0;
  double route_ms = 0;
  std::string parked;  // why the decision was put off ("quota", "over_budget", "cancelled")
  std::optional<Answer> answer;  // what the backend answered in this run, for the decision log
};

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
};

class JobRunner {
 public:
  JobRunner(JobPorts ports, JobSettings settings) : m_ports(ports), m_settings(settings) {}

  // Moves `source` into `work_dir` and journals it. Returns nothing (and no error) when the
  // file vanished before it could be claimed.
  Result<std::optional<FileRecord>> claim(const std::string& source, const std::string& work_dir);

  // For a record found unfinished at start: the record ready to run, or nothing when there
  // is nothing left to do for it.
  std::optional<FileRecord> resume(FileRecord record);

  // Runs a claimed (or resumed) record to `done` or `quarantined`.
  JobReport run(FileRecord record);

 private:
  Result<void> finish_claim(FileRecord& record);
  void mark_vanished(FileRecord& record, std::string why);
  JobReport quarantine(JobReport report, std::string stage, std::string code, std::string detail);
  Result<void> route(JobReport& report, Sink& sink);

  JobPorts m_ports;
  JobSettings m_settings;
};

}  // namespace pipeline

#pragma once
// The job record: one input file's durable state as the journal keeps it, typed. JSON is
// made from it only where a record is stored or written out (journal rows, sidecars, queue
// messages, the decision log); nothing in the pipeline parses its own records back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/normalized.h"
#include "pipeline/decide/decision.h"

namespace pipeline {

// Where a file is in its flow. Every transition is journaled before the next side effect.
enum class FileState { discovered, claimed, normalized, decided, routing, done, quarantined };

std::string_view to_string(FileState state);
std::optional<FileState> parse_file_state(std::string_view text);

// What became of a file. The first three are what thresholds make of a decision; the rest
// are what happened to it instead, or afterwards.
enum class Outcome {
  route,        // confident: placed by category
  escalate,     // unsure: a stronger model or the deep-analysis queue
  review,       // too unsure, or the model asked for a person
  quarantined,  // a stage failed; the file sits in the failed sink with an error sidecar
  vanished,     // gone before siftd could claim it, or never claimed before a restart
  requeued,     // `siftd requeue` put it back into the inbox
  undone,       // `siftd undo` put it back into the inbox
  duplicate,    // the same bytes were placed before: removed, or set aside (daemon.duplicates)
};

std::string_view to_string(Outcome outcome);
// Accepts every value to_string() gives, and "failed" (what older journals wrote for
// quarantined).
std::optional<Outcome> parse_outcome(std::string_view text);

// The stage at which a file failed.
enum class Stage { claim, normalize, decide, route, poison };

std::string_view to_string(Stage stage);
std::optional<Stage> parse_stage(std::string_view text);

struct StageError {
  Stage stage = Stage::normalize;
  std::string code;  // the failing module's error code name: media's or pipeline's
  std::string detail;
};

struct FileRecord {
  std::int64_t id = 0;
  FileState state = FileState::discovered;
  std::string source_path;  // where the file was found
  std::string name;         // its original name: raw bytes, maybe not UTF-8
  std::string work_path;    // where it sits while siftd holds it
  std::string sha256;
  std::uint64_t size = 0;
  int attempts = 0;  // times a worker started on it
  std::optional<media::Kind> kind;
  std::string facts_json;  // media's facts as stored; pipeline never branches on them
  int token_estimate = 0;
  int naive_tokens = 0;
  std::optional<Decision> decision;
  std::optional<Outcome> outcome;
  std::string destination;  // intended (state routing) or final (state done/quarantined) path
  std::optional<StageError> error;  // why it was quarantined, or vanished at claim
  std::int64_t discovered_ms = 0;   // when siftd first saw it (never the file's mtime)
  std::int64_t updated_ms = 0;
};

// The kind's name, or "unknown" before the file was probed.
std::string kind_name(const FileRecord& record);

std::int64_t now_ms();

}  // namespace pipeline

#pragma once
// The decision log: one row per decision attempt in the journal's SQLite database (table
// `decisions`), with what went in (path, hash, kind, facts, token estimates), what came back
// (model, request id, prompt version, raw reply, validated decision), what was done with it
// (outcome, destination), and what it cost (tokens, USD, milliseconds per stage). Rows are
// only appended; `siftd log` exports them as JSON lines or CSV.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/error.h"
#include "pipeline/journal/sync_mode.h"

namespace pipeline {

struct DecisionRow {
  std::int64_t id = 0;
  std::int64_t at_ms = 0;  // when the row was written (UTC, ms since the epoch)
  std::int64_t file_id = 0;
  std::string path;  // where the file was found: raw bytes, maybe not UTF-8
  std::string sha256;
  std::string kind;
  std::string facts_json;
  int token_estimate = 0;
  int naive_tokens = 0;
  std::string request_id;
  std::string backend;
  std::string model;
  std::string prompt_version;
  std::string raw_reply;
  std::string decision_json;  // the validated decision; empty when the reply was refused
  std::string outcome;        // "route", "escalate", "review" or "quarantined"
  std::string destination;
  std::string error;  // "stage: code: detail", when the attempt failed
  int prompt_tokens = 0;
  int cached_tokens = 0;
  int completion_tokens = 0;
  double cost_usd = 0;
  double normalize_ms = 0;
  double decide_ms = 0;
  double route_ms = 0;
};

class DecisionLog {
 public:
  // Opens (and creates, when missing) the table in the SQLite database at `path`, which is
  // the journal's: its own connection, so the journal's transactions are not touched. `sync`
  // is the journal's setting (daemon.journal_sync), so `normal` means normal here too.
  static Result<std::unique_ptr<DecisionLog>> open(const std::string& path,
                                                   SyncMode sync = SyncMode::full);
  // The connection's durability, as SQLite reports it.
  Result<SyncMode> sync_mode();
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Appends `row` (its id and, when 0, at_ms are set).
  Result<void> append(DecisionRow& row);
  Result<std::vector<DecisionRow>> since(std::int64_t since_ms);
  // Removes up to `limit` rows written before `before_ms`, oldest first; returns how many.
  Result<int> prune(std::int64_t before_ms, int limit);

 private:
  struct Impl;
  explicit DecisionLog(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> m_impl;
  std::mutex m_mutex;
};

// Export formats for `siftd log`. Times are ISO 8601 UTC with milliseconds.
std::string decision_csv_header();
std::string to_csv_line(const DecisionRow& row);
std::string to_json_line(const DecisionRow& row);
std::string iso_time(std::int64_t ms);

// A --since argument: an ISO date or date-time ("2026-11-28", "2026-11-28T05:00",
// "2026-11-28 05:00:00Z"; UTC) or an age ("90s", "15m", "1h", "2d", "1w") counted back from
// `now_ms`. Nothing when it is neither.
std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now_ms);

}  // namespace pipeline

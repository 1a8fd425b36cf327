#include "pipeline/journal/journal_status.h"

#include "pipeline/journal/sqlite_handles.h"

namespace pipeline {
namespace {

// Runs `sql` with up to two integer parameters and calls `row` for each result row.
template <typename Row>
Result<void> query(sqlite3* db, const char* sql, std::initializer_list<std::int64_t> parameters,
                   Row row) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    return tl::unexpected(sqlite_error(db, "prepare"));
  StatementHandle statement(raw);
  int index = 1;
  for (const auto value : parameters) sqlite3_bind_int64(raw, index++, value);
  int rc = 0;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(db, "query"));
  return {};
}

bool has_table(sqlite3* db, const char* name) {
  bool found = false;
  (void)query(db, "SELECT name FROM sqlite_master WHERE type = 'table'", {}, [&](sqlite3_stmt* s) {
    if (column_string(s, 0) == name) found = true;
  });
  return found;
}

}  // namespace

Result<JournalStatus> read_journal_status(const std::string& journal_path, std::int64_t now_ms,
                                          int error_count) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(journal_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  DatabaseHandle db(raw);
  if (rc != SQLITE_OK) return fail(ErrorCode::journal, "cannot open journal " + journal_path);
  sqlite3_busy_timeout(raw, 5000);
  const std::int64_t day_ms = 86'400'000;
  const std::int64_t midnight = now_ms - now_ms % day_ms;
  const std::int64_t hour_ago = now_ms - 3'600'000;

  JournalStatus status;
  auto ok = query(
      raw, "SELECT state, COUNT(*) FROM files GROUP BY state", {},
      [&](sqlite3_stmt* s) { status.by_state[column_string(s, 0)] = sqlite3_column_int64(s, 1); });
  if (!ok) return tl::unexpected(ok.error());
  ok = query(raw,
             "SELECT id, name, error_stage, error_code, error_detail, updated_ms FROM files "
             "WHERE state = 'quarantined' ORDER BY updated_ms DESC LIMIT ?",
             {error_count}, [&](sqlite3_stmt* s) {
               status.last_errors.push_back({sqlite3_column_int64(s, 0), column_string(s, 1),
                                             column_string(s, 2), column_string(s, 3),
                                             column_string(s, 4), sqlite3_column_int64(s, 5)});
             });
  if (!ok) return tl::unexpected(ok.error());
  ok = query(
      raw,
      "SELECT COUNT(*) FROM files WHERE state IN ('done', 'quarantined') AND outcome != 'vanished' "
      "AND updated_ms >= ?",
      {hour_ago}, [&](sqlite3_stmt* s) { status.finished_last_hour = sqlite3_column_int64(s, 0); });
  if (!ok) return tl::unexpected(ok.error());
  ok = query(raw,
             "SELECT COUNT(*), COALESCE(SUM(token_estimate), 0), COALESCE(SUM(naive_tokens), 0) "
             "FROM files "
             "WHERE state IN ('done', 'quarantined') AND outcome != 'vanished' AND updated_ms >= ?",
             {midnight}, [&](sqlite3_stmt* s) {
               status.finished_today = sqlite3_column_int64(s, 0);
               status.tokens_today = sqlite3_column_int64(s, 1);
               status.naive_tokens_today = sqlite3_column_int64(s, 2);
             });
  if (!ok) return tl::unexpected(ok.error());
  if (has_table(raw, "decisions")) {
    // The decision log, where the model's own counts and the spend are recorded.
    (void)query(
        raw,
        "SELECT COALESCE(SUM(cost_usd), 0), COALESCE(SUM(prompt_tokens + completion_tokens), 0) "
        "FROM decisions WHERE at_ms >= ?",
        {midnight}, [&](sqlite3_stmt* s) {
          status.cost_today_usd = sqlite3_column_double(s, 0);
          status.model_tokens_today = sqlite3_column_int64(s, 1);
        });
  }
  return status;
}

}  // namespace pipeline

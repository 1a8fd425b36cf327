#include "pipeline/journal/journal.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "pipeline/journal/sqlite_handles.h"

namespace pipeline {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  source_path BLOB NOT NULL,
  name BLOB NOT NULL,
  work_path BLOB NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  facts TEXT NOT NULL DEFAULT '',
  token_estimate INTEGER NOT NULL DEFAULT 0,
  naive_tokens INTEGER NOT NULL DEFAULT 0,
  decision TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  destination BLOB NOT NULL DEFAULT '',
  error_stage TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT '',
  error_detail TEXT NOT NULL DEFAULT '',
  discovered_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_state ON files(state);
CREATE INDEX IF NOT EXISTS files_updated ON files(updated_ms);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES files(id),
  state TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_file ON events(file_id);
)sql";

constexpr const char* k_columns =
    "id, state, source_path, name, work_path, sha256, size, attempts, kind, facts, "
    "token_estimate, naive_tokens, decision, outcome, destination, error_stage, error_code, "
    "error_detail, discovered_ms, updated_ms";

FileRecord read_row(sqlite3_stmt* s) {
  FileRecord r;
  r.id = sqlite3_column_int64(s, 0);
  r.state = parse_file_state(column_string(s, 1)).value_or(FileState::discovered);
  r.source_path = column_string(s, 2);
  r.name = column_string(s, 3);
  r.work_path = column_string(s, 4);
  r.sha256 = column_string(s, 5);
  r.size = static_cast<std::uint64_t>(sqlite3_column_int64(s, 6));
  r.attempts = sqlite3_column_int(s, 7);
  r.kind = media::parse_kind(column_string(s, 8));
  r.facts_json = column_string(s, 9);
  r.token_estimate = sqlite3_column_int(s, 10);
  r.naive_tokens = sqlite3_column_int(s, 11);
  if (auto decision = parse_stored_decision(column_string(s, 12)))
    r.decision = std::move(*decision);
  r.outcome = parse_outcome(column_string(s, 13));
  r.destination = column_string(s, 14);
  if (auto stage = parse_stage(column_string(s, 15))) {
    r.error = StageError{*stage, column_string(s, 16), column_string(s, 17)};
  }
  r.discovered_ms = sqlite3_column_int64(s, 18);
  r.updated_ms = sqlite3_column_int64(s, 19);
  return r;
}

// Binds every column but id, starting at parameter `first`.
void bind_record(sqlite3_stmt* s, const FileRecord& r, int first) {
  int i = first;
  bind_text(s, i++, to_string(r.state));
  bind_bytes(s, i++, r.source_path);
  bind_bytes(s, i++, r.name);
  bind_bytes(s, i++, r.work_path);
  bind_text(s, i++, r.sha256);
  sqlite3_bind_int64(s, i++, static_cast<sqlite3_int64>(r.size));
  sqlite3_bind_int(s, i++, r.attempts);
  bind_text(s, i++, r.kind ? media::to_string(*r.kind) : std::string());
  bind_text(s, i++, r.facts_json);
  sqlite3_bind_int(s, i++, r.token_estimate);
  sqlite3_bind_int(s, i++, r.naive_tokens);
  bind_text(s, i++, r.decision ? to_json(*r.decision) : std::string());
  bind_text(s, i++, r.outcome ? std::string(to_string(*r.outcome)) : std::string());
  bind_bytes(s, i++, r.destination);
  bind_text(s, i++, r.error ? std::string(to_string(r.error->stage)) : std::string());
  bind_text(s, i++, r.error ? r.error->code : std::string());
  bind_text(s, i++, r.error ? r.error->detail : std::string());
  sqlite3_bind_int64(s, i++, r.discovered_ms);
  sqlite3_bind_int64(s, i++, r.updated_ms);
}

}  // namespace

struct Journal::Impl {
  DatabaseHandle db;
  StatementHandle insert_file;
  StatementHandle update_file;
  StatementHandle insert_event;

  Result<StatementHandle> prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
        SQLITE_OK) {
      return tl::unexpected(sqlite_error(db.get(), "prepare"));
    }
    return StatementHandle(raw);
  }

  Result<void> step_done(sqlite3_stmt* statement, const char* what) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(db.get(), what));
    return {};
  }

  Result<void> add_event(const FileRecord& record) {
    sqlite3_stmt* s = insert_event.get();
    sqlite3_bind_int64(s, 1, record.id);
    bind_text(s, 2, to_string(record.state));
    sqlite3_bind_int64(s, 3, record.updated_ms);
    std::string detail;
    if (record.error) {
      detail = record.error->detail;
    } else if (record.outcome) {
      detail = to_string(*record.outcome);
    }
    bind_text(s, 4, detail);
    return step_done(s, "insert event");
  }
};

Journal::Journal(std::string path, std::unique_ptr<Impl> impl)
    : m_path(std::move(path)), m_impl(std::move(impl)), m_high_water(m_path + ".ids") {}
Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, SyncMode sync) {
  auto db = open_database(path, "journal");
  if (!db) return tl::unexpected(db.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  sqlite3* raw = impl->db.get();
  if (auto ok = exec(raw, "PRAGMA foreign_keys=ON"); !ok) return tl::unexpected(ok.error());
  if (auto ok = exec(raw, sync_pragma(sync)); !ok) return tl::unexpected(ok.error());
  if (auto ok = exec(raw, k_schema); !ok) return tl::unexpected(ok.error());

  // The id is bound only to go on after ids a lost history gave out; NULL picks the next.
  auto insert = impl->prepare(std::string("INSERT INTO files (") + k_columns +
                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  auto update = impl->prepare(
      "UPDATE files SET state=?, source_path=?, name=?, work_path=?, sha256=?, size=?, "
      "attempts=?, kind=?, facts=?, token_estimate=?, naive_tokens=?, decision=?, outcome=?, "
      "destination=?, error_stage=?, error_code=?, error_detail=?, discovered_ms=?, "
      "updated_ms=? WHERE id=?");
  auto event = impl->prepare("INSERT INTO events (file_id, state, at_ms, detail) VALUES (?,?,?,?)");
  if (!insert) return tl::unexpected(insert.error());
  if (!update) return tl::unexpected(update.error());
  if (!event) return tl::unexpected(event.error());
  impl->insert_file = std::move(*insert);
  impl->update_file = std::move(*update);
  impl->insert_event = std::move(*event);
  auto journal = std::unique_ptr<Journal>(new Journal(path, std::move(impl)));
  if (auto ok = journal->check_history(); !ok) return tl::unexpected(ok.error());
  return journal;
}

Result<std::int64_t> Journal::highest_id() {
  auto statement = m_impl->prepare("SELECT COALESCE(MAX(id), 0) FROM files");
  if (!statement) return tl::unexpected(statement.error());
  if (sqlite3_step(statement->get()) != SQLITE_ROW)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "select"));
  return sqlite3_column_int64(statement->get(), 0);
}

Result<void> Journal::check_history() {
  std::lock_guard lock(m_mutex);
  auto highest = highest_id();
  if (!highest) return tl::unexpected(highest.error());
  const std::int64_t given_out = m_high_water.value();
  if (given_out <= *highest) return {};
  m_lost_history = "ids up to " + std::to_string(given_out) +
                   " were given out, but its highest row is " + std::to_string(*highest);
  m_next_above = given_out;
  return {};
}

Result<void> Journal::continue_ids_after(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  auto highest = highest_id();
  if (!highest) return tl::unexpected(highest.error());
  if (id > *highest && id > m_next_above) m_next_above = id;
  return {};
}

struct Journal::QueuedWrite {
  const std::function<Result<void>()>& write;
  Result<void> result;
  bool done = false;
};

Result<void> Journal::commit_grouped(const std::function<Result<void>()>& write) {
  QueuedWrite mine{write, {}};
  std::unique_lock queue_lock(m_queue_mutex);
  m_queued.push_back(&mine);
  // Another thread's commit is on its way to disk: wait, then either it was ours too (a leader
  // that started after we queued took us along) or we lead the next one.
  m_committed.wait(queue_lock, [&] { return mine.done || !m_committing; });
  if (mine.done) return mine.result;
  m_committing = true;
  std::vector<QueuedWrite*> batch;
  batch.swap(m_queued);
  queue_lock.unlock();
  try {
    commit_batch(batch);
  } catch (const std::exception& e) {  // bad_alloc binding a row: no waiter may hang on it
    for (QueuedWrite* queued : batch)
      queued->result = fail(ErrorCode::journal, std::string("journal write failed: ") + e.what());
  }
  queue_lock.lock();
  for (QueuedWrite* write_done : batch) write_done->done = true;
  m_committing = false;
  queue_lock.unlock();
  m_committed.notify_all();
  return mine.result;
}

void Journal::commit_batch(const std::vector<QueuedWrite*>& batch) {
  std::lock_guard lock(m_mutex);
  sqlite3* db = m_impl->db.get();
  const std::int64_t next_above = m_next_above;
  // Nothing of the batch is durable: every write in it fails with `error`. Ids it handed out
  // may have been seen (the mark beside the file holds them): new ones go on after them.
  const auto abandon = [&](const Error& error) {
    for (QueuedWrite* queued : batch) queued->result = tl::unexpected(error);
    m_next_above = std::max(next_above, m_high_water.value());
  };
  Transaction transaction(db);
  if (!transaction.began()) return abandon(sqlite_error(db, "begin"));
  // Each write in its own savepoint: one that fails is undone alone, the others still commit.
  bool any = false;
  for (QueuedWrite* queued : batch) {
    if (auto ok = exec(db, "SAVEPOINT write"); !ok) return abandon(ok.error());
    queued->result = queued->write();
    if (!queued->result && sqlite3_get_autocommit(db)) {
      // SQLite rolled the whole transaction back (disk full, I/O error): the writes before
      // this one are gone too.
      return abandon(queued->result.error());
    }
    if (!queued->result) (void)exec(db, "ROLLBACK TO write");
    (void)exec(db, "RELEASE write");
    any = any || queued->result.has_value();
  }
  if (!any) return;  // the transaction rolls back: nothing in it
  if (auto committed = transaction.commit(); !committed) return abandon(committed.error());
  ++m_commits;
}

Result<void> Journal::insert(FileRecord& record) {
  if (record.discovered_ms == 0) record.discovered_ms = now_ms();
  record.updated_ms = now_ms();
  return commit_grouped([&]() -> Result<void> {
    sqlite3_stmt* s = m_impl->insert_file.get();
    if (m_next_above > 0) sqlite3_bind_int64(s, 1, m_next_above + 1);
    bind_record(s, record, 2);
    if (auto ok = m_impl->step_done(s, "insert file"); !ok) return ok;
    record.id = sqlite3_last_insert_rowid(m_impl->db.get());
    if (auto ok = m_impl->add_event(record); !ok) return ok;
    m_next_above = 0;
    m_high_water.raise(record.id);
    return {};
  });
}

Result<void> Journal::update(FileRecord& record) {
  record.updated_ms = now_ms();
  return commit_grouped([&]() -> Result<void> {
    sqlite3_stmt* s = m_impl->update_file.get();
    bind_record(s, record, 1);
    sqlite3_bind_int64(s, 20, record.id);
    if (auto ok = m_impl->step_done(s, "update file"); !ok) return ok;
    if (sqlite3_changes(m_impl->db.get()) != 1) {
      return fail(ErrorCode::journal, "no journal row " + std::to_string(record.id));
    }
    return m_impl->add_event(record);
  });
}

Result<std::vector<FileRecord>> Journal::select(const std::string& where, std::int64_t argument) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare(std::string("SELECT ") + k_columns + " FROM files WHERE " +
                                   where + " ORDER BY id");
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_stmt* s = statement->get();
  if (sqlite3_bind_parameter_count(s) > 0) sqlite3_bind_int64(s, 1, argument);
  std::vector<FileRecord> rows;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) rows.push_back(read_row(s));
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(m_impl->db.get(), "select"));
  return rows;
}

Result<std::optional<FileRecord>> Journal::get(std::int64_t id) {
  auto rows = select("id = ?", id);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<FileRecord>{};
  return std::optional<FileRecord>{std::move(rows->front())};
}

Result<std::vector<FileRecord>> Journal::unfinished() {
  return select("state NOT IN ('done', 'quarantined')", 0);
}

Result<std::vector<FileRecord>> Journal::in_state(FileState state) {
  return select("state = '" + std::string(to_string(state)) + "'", 0);
}

Result<std::vector<FileRecord>> Journal::updated_since(std::int64_t since_ms) {
  return select("updated_ms >= ?", since_ms);
}

Result<std::map<std::string, std::int64_t>> Journal::count_by_state() {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare("SELECT state, COUNT(*) FROM files GROUP BY state");
  if (!statement) return tl::unexpected(statement.error());
  std::map<std::string, std::int64_t> counts;
  while (sqlite3_step(statement->get()) == SQLITE_ROW) {
    counts[column_string(statement->get(), 0)] = sqlite3_column_int64(statement->get(), 1);
  }
  return counts;
}

Result<int> Journal::prune_finished(std::int64_t before_ms, int limit) {
  std::lock_guard lock(m_mutex);
  static constexpr const char* k_batch =
      "SELECT id FROM files WHERE state IN ('done', 'quarantined') AND updated_ms < ?1 "
      "AND id < (SELECT MAX(id) FROM files) ORDER BY id LIMIT ?2";
  Transaction transaction(m_impl->db.get());
  if (!transaction.began()) return tl::unexpected(sqlite_error(m_impl->db.get(), "begin"));
  int removed = 0;
  // Events first: they refer to the rows the same batch then removes.
  for (const char* table : {"events WHERE file_id", "files WHERE id"}) {
    auto statement = m_impl->prepare(std::string("DELETE FROM ") + table + " IN (" + k_batch + ")");
    if (!statement) return tl::unexpected(statement.error());
    sqlite3_bind_int64(statement->get(), 1, before_ms);
    sqlite3_bind_int(statement->get(), 2, limit);
    if (sqlite3_step(statement->get()) != SQLITE_DONE)
      return tl::unexpected(sqlite_error(m_impl->db.get(), "prune"));
    removed = sqlite3_changes(m_impl->db.get());  // the files' count, from the last statement
  }
  if (auto ok = transaction.commit(); !ok) return tl::unexpected(ok.error());
  return removed;
}

Result<std::vector<FileRecord>> Journal::with_sha256(const std::string& sha256) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare(std::string("SELECT ") + k_columns +
                                   " FROM files WHERE sha256 = ? ORDER BY id");
  if (!statement) return tl::unexpected(statement.error());
  bind_text(statement->get(), 1, sha256);
  std::vector<FileRecord> rows;
  int rc = 0;
  while ((rc = sqlite3_step(statement->get())) == SQLITE_ROW)
    rows.push_back(read_row(statement->get()));
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(m_impl->db.get(), "select"));
  return rows;
}

Result<bool> Journal::is_tracked(const std::string& source_path) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare(
      "SELECT 1 FROM files WHERE source_path = ? AND state NOT IN ('done', 'quarantined') LIMIT 1");
  if (!statement) return tl::unexpected(statement.error());
  bind_bytes(statement->get(), 1, source_path);
  return sqlite3_step(statement->get()) == SQLITE_ROW;
}

}  // namespace pipeline

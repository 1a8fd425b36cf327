#pragma once
// RAII owners for SQLite handles, and a Transaction guard that rolls back unless committed.
// Private to pipeline/.

#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "pipeline/error.h"

namespace pipeline {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

inline Error sqlite_error(sqlite3* db, const std::string& what) {
  return Error{ErrorCode::journal, what + ": " + sqlite3_errmsg(db)};
}

inline Result<void> exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(ErrorCode::journal, std::string(sql).substr(0, 40) + ": " + text);
  }
  return {};
}

// Binds text (as UTF-8 text) or raw bytes (as a blob: file names need not be UTF-8).
inline void bind_text(sqlite3_stmt* statement, int index, std::string_view value) {
  sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
inline void bind_bytes(sqlite3_stmt* statement, int index, const std::string& value) {
  sqlite3_bind_blob64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT);
}

// A column's bytes, whether stored as text or blob; "" for NULL.
inline std::string column_string(sqlite3_stmt* statement, int index) {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, index));
  const int size = sqlite3_column_bytes(statement, index);
  return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// Opens (creating) a database in WAL mode with a busy timeout, for one connection per owner.
inline Result<DatabaseHandle> open_database(const std::string& path, const std::string& what) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  DatabaseHandle db(raw);
  if (rc != SQLITE_OK)
    return tl::unexpected(sqlite_error(raw, "cannot open the " + what + " " + path));
  sqlite3_busy_timeout(raw, 5000);
  if (auto ok = exec(raw, "PRAGMA journal_mode=WAL"); !ok) return tl::unexpected(ok.error());
  return db;
}

inline Result<StatementHandle> prepare_statement(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    return tl::unexpected(sqlite_error(db, "prepare"));
  }
  return StatementHandle(statement);
}

class Transaction {
 public:
  explicit Transaction(sqlite3* db) : m_db(db) { m_ok = exec(db, "BEGIN IMMEDIATE").has_value(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (m_ok && !m_committed) (void)exec(m_db, "ROLLBACK");
  }
  bool began() const { return m_ok; }
  Result<void> commit() {
    auto result = exec(m_db, "COMMIT");
    m_committed = result.has_value();
    return result;
  }

 private:
  sqlite3* m_db;
  bool m_ok = false;
  bool m_committed = false;
};

}  // namespace pipeline

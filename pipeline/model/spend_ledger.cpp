#include "pipeline/model/spend_ledger.h"

#include "pipeline/journal/sqlite_handles.h"

namespace pipeline {

struct SpendLedger::Impl {
  DatabaseHandle db;
  StatementHandle add;
  StatementHandle total;
};

SpendLedger::SpendLedger(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SpendLedger::~SpendLedger() = default;

Result<std::unique_ptr<SpendLedger>> SpendLedger::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  auto db = open_database(path, "spend ledger");
  if (!db) return tl::unexpected(db.error());
  impl->db = std::move(*db);
  sqlite3* raw = impl->db.get();
  if (auto ok =
          exec(raw, "CREATE TABLE IF NOT EXISTS spend (day TEXT PRIMARY KEY, usd REAL NOT NULL)");
      !ok) {
    return tl::unexpected(ok.error());
  }
  auto add = prepare_statement(raw,
                               "INSERT INTO spend (day, usd) VALUES (?1, ?2)"
                               " ON CONFLICT(day) DO UPDATE SET usd = usd + excluded.usd");
  if (!add) return tl::unexpected(add.error());
  impl->add = std::move(*add);
  auto total = prepare_statement(
      raw, "SELECT COALESCE(SUM(usd), 0) FROM spend WHERE substr(day, 1, length(?1)) = ?1");
  if (!total) return tl::unexpected(total.error());
  impl->total = std::move(*total);
  return std::unique_ptr<SpendLedger>(new SpendLedger(std::move(impl)));
}

Result<void> SpendLedger::add(const std::string& day, double usd) {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* statement = m_impl->add.get();
  sqlite3_reset(statement);
  sqlite3_bind_text(statement, 1, day.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(statement, 2, usd);
  const int rc = sqlite3_step(statement);
  sqlite3_reset(statement);
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(m_impl->db.get(), "spend ledger add"));
  return {};
}

Result<double> SpendLedger::total(const std::string& prefix) {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* statement = m_impl->total.get();
  sqlite3_reset(statement);
  sqlite3_bind_text(statement, 1, prefix.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(statement) != SQLITE_ROW) {
    sqlite3_reset(statement);
    return tl::unexpected(sqlite_error(m_impl->db.get(), "spend ledger total"));
  }
  const double usd = sqlite3_column_double(statement, 0);
  sqlite3_reset(statement);
  return usd;
}

}  // namespace pipeline

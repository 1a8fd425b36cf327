#include "pipeline/model/result_cache.h"

#include <chrono>

#include "pipeline/journal/sqlite_handles.h"

namespace pipeline {
namespace {

constexpr const char* k_schema =
    "CREATE TABLE IF NOT EXISTS result_cache ("
    " sha256 TEXT NOT NULL, prompt_version TEXT NOT NULL, model TEXT NOT NULL,"
    " decision_json TEXT NOT NULL, answered_by TEXT NOT NULL, cost_usd REAL NOT NULL,"
    " created_ms INTEGER NOT NULL, PRIMARY KEY (sha256, prompt_version, model))";

void bind_key(sqlite3_stmt* statement, const CacheKey& key) {
  sqlite3_bind_text(statement, 1, key.sha256.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 2, key.prompt_version.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 3, key.model.c_str(), -1, SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

struct ResultCache::Impl {
  DatabaseHandle db;
  StatementHandle find;
  StatementHandle store;
};

ResultCache::ResultCache(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ResultCache::~ResultCache() = default;

Result<std::unique_ptr<ResultCache>> ResultCache::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  auto db = open_database(path, "result cache");
  if (!db) return tl::unexpected(db.error());
  impl->db = std::move(*db);
  sqlite3* raw = impl->db.get();
  for (const char* sql : {"PRAGMA synchronous=NORMAL", k_schema}) {
    if (auto ok = exec(raw, sql); !ok) return tl::unexpected(ok.error());
  }
  auto find = prepare_statement(raw,
                                "SELECT decision_json, answered_by, cost_usd FROM result_cache"
                                " WHERE sha256 = ?1 AND prompt_version = ?2 AND model = ?3");
  if (!find) return tl::unexpected(find.error());
  impl->find = std::move(*find);
  auto store = prepare_statement(
      raw, "INSERT OR REPLACE INTO result_cache VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!store) return tl::unexpected(store.error());
  impl->store = std::move(*store);
  return std::unique_ptr<ResultCache>(new ResultCache(std::move(impl)));
}

Result<std::optional<CachedDecision>> ResultCache::find(const CacheKey& key) {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* statement = m_impl->find.get();
  sqlite3_reset(statement);
  bind_key(statement, key);
  const int rc = sqlite3_step(statement);
  if (rc == SQLITE_DONE) return std::optional<CachedDecision>{};
  if (rc != SQLITE_ROW)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "result cache lookup"));
  CachedDecision found{column_text(statement, 0), column_text(statement, 1),
                       sqlite3_column_double(statement, 2)};
  sqlite3_reset(statement);
  return std::optional<CachedDecision>{std::move(found)};
}

Result<void> ResultCache::store(const CacheKey& key, const CachedDecision& value) {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* statement = m_impl->store.get();
  sqlite3_reset(statement);
  bind_key(statement, key);
  sqlite3_bind_text(statement, 4, value.decision_json.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement, 5, value.answered_by.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(statement, 6, value.cost_usd);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  sqlite3_bind_int64(statement, 7, now_ms);
  const int rc = sqlite3_step(statement);
  sqlite3_reset(statement);
  if (rc != SQLITE_DONE)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "result cache store"));
  return {};
}

}  // namespace pipeline

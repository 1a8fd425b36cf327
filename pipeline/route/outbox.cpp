#include "pipeline/route/outbox.h"

#include <spdlog/spdlog.h>

#include "pipeline/journal/journal.h"
#include "pipeline/journal/sqlite_handles.h"
#include "pipeline/route/queue_url.h"

namespace pipeline {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  queue TEXT NOT NULL,
  message_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  published_ms INTEGER,
  UNIQUE (queue, message_id)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(published_ms) WHERE published_ms IS NULL;
)sql";

}  // namespace

struct Outbox::Impl {
  DatabaseHandle db;

  Result<StatementHandle> prepare(const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      return tl::unexpected(sqlite_error(db.get(), "prepare"));
    }
    return StatementHandle(raw);
  }
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Outbox::~Outbox() = default;

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& journal_path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(journal_path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  if (rc != SQLITE_OK) return fail(ErrorCode::journal, "cannot open the outbox in " + journal_path);
  sqlite3_busy_timeout(raw, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", k_schema}) {
    if (auto ok = exec(raw, sql); !ok) return tl::unexpected(ok.error());
  }
  return std::unique_ptr<Outbox>(new Outbox(std::move(impl)));
}

Result<void> Outbox::add(const OutboxMessage& message) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare(
      "INSERT OR IGNORE INTO outbox (file_id, queue, message_id, payload, created_ms) VALUES "
      "(?,?,?,?,?)");
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_stmt* s = statement->get();
  sqlite3_bind_int64(s, 1, message.file_id);
  sqlite3_bind_text(s, 2, message.queue.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, message.message_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, message.payload.data(), static_cast<int>(message.payload.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 5, now_ms());
  if (sqlite3_step(s) != SQLITE_DONE)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "outbox add"));
  return {};
}

Result<std::vector<OutboxMessage>> Outbox::pending(int limit) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare(
      "SELECT id, file_id, queue, message_id, payload FROM outbox WHERE published_ms IS NULL ORDER "
      "BY id LIMIT ?");
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_stmt* s = statement->get();
  sqlite3_bind_int(s, 1, limit);
  std::vector<OutboxMessage> messages;
  while (sqlite3_step(s) == SQLITE_ROW) {
    messages.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), column_string(s, 2),
                        column_string(s, 3), column_string(s, 4)});
  }
  return messages;
}

Result<void> Outbox::mark_published(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  auto statement = m_impl->prepare("UPDATE outbox SET published_ms = ? WHERE id = ?");
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_bind_int64(statement->get(), 1, now_ms());
  sqlite3_bind_int64(statement->get(), 2, id);
  if (sqlite3_step(statement->get()) != SQLITE_DONE)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "outbox mark"));
  return {};
}

Result<void> Outbox::mark_published(const std::string& queue, const std::string& message_id) {
  std::lock_guard lock(m_mutex);
  auto statement =
      m_impl->prepare("UPDATE outbox SET published_ms = ? WHERE queue = ? AND message_id = ?");
  if (!statement) return tl::unexpected(statement.error());
  sqlite3_bind_int64(statement->get(), 1, now_ms());
  sqlite3_bind_text(statement->get(), 2, queue.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement->get(), 3, message_id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(statement->get()) != SQLITE_DONE)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "outbox mark"));
  return {};
}

std::size_t Outbox::flush(
    const std::map<std::string, std::shared_ptr<QueuePublisher>>& publishers) {
  auto messages = pending();
  if (!messages) {
    spdlog::error("outbox: {}", messages.error().detail);
    return 0;
  }
  std::size_t left = 0;
  std::map<std::string, bool> failing;  // one failure per queue per flush is enough to log
  for (const auto& message : *messages) {
    const auto publisher = publishers.find(message.queue);
    if (publisher == publishers.end() || failing[message.queue]) {
      ++left;
      continue;
    }
    if (auto ok = publisher->second->publish(message.message_id, message.payload); !ok) {
      spdlog::warn("outbox: file={} not yet published to {}: {}", message.file_id,
                   loggable_queue(message.queue), ok.error().detail);
      failing[message.queue] = true;
      ++left;
      continue;
    }
    (void)mark_published(message.id);
  }
  return left;
}

}  // namespace pipeline

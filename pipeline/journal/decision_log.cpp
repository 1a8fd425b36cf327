#include "pipeline/journal/decision_log.h"

#include <array>
#include <charconv>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pipeline/csv.h"
#include "pipeline/display_text.h"
#include "pipeline/job.h"
#include "pipeline/journal/sqlite_handles.h"

namespace pipeline {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  file_id INTEGER NOT NULL,
  path BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  facts TEXT NOT NULL,
  token_estimate INTEGER NOT NULL,
  naive_tokens INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  backend TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  raw_reply TEXT NOT NULL,
  decision TEXT NOT NULL,
  outcome TEXT NOT NULL,
  destination BLOB NOT NULL,
  error TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  normalize_ms REAL NOT NULL,
  decide_ms REAL NOT NULL,
  route_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_at ON decisions(at_ms);
)sql";

constexpr const char* k_columns =
    "at_ms, file_id, path, sha256, kind, facts, token_estimate, naive_tokens, request_id, backend, "
    "model, prompt_version, raw_reply, decision, outcome, destination, error, prompt_tokens, "
    "cached_tokens, completion_tokens, cost_usd, normalize_ms, decide_ms, route_ms";

DecisionRow read_row(sqlite3_stmt* s) {
  DecisionRow r;
  int i = 0;
  r.id = sqlite3_column_int64(s, i++);
  r.at_ms = sqlite3_column_int64(s, i++);
  r.file_id = sqlite3_column_int64(s, i++);
  r.path = column_string(s, i++);
  r.sha256 = column_string(s, i++);
  r.kind = column_string(s, i++);
  r.facts_json = column_string(s, i++);
  r.token_estimate = sqlite3_column_int(s, i++);
  r.naive_tokens = sqlite3_column_int(s, i++);
  r.request_id = column_string(s, i++);
  r.backend = column_string(s, i++);
  r.model = column_string(s, i++);
  r.prompt_version = column_string(s, i++);
  r.raw_reply = column_string(s, i++);
  r.decision_json = column_string(s, i++);
  r.outcome = column_string(s, i++);
  r.destination = column_string(s, i++);
  r.error = column_string(s, i++);
  r.prompt_tokens = sqlite3_column_int(s, i++);
  r.cached_tokens = sqlite3_column_int(s, i++);
  r.completion_tokens = sqlite3_column_int(s, i++);
  r.cost_usd = sqlite3_column_double(s, i++);
  r.normalize_ms = sqlite3_column_double(s, i++);
  r.decide_ms = sqlite3_column_double(s, i++);
  r.route_ms = sqlite3_column_double(s, i++);
  return r;
}

void bind_row(sqlite3_stmt* s, const DecisionRow& r) {
  int i = 1;
  sqlite3_bind_int64(s, i++, r.at_ms);
  sqlite3_bind_int64(s, i++, r.file_id);
  bind_bytes(s, i++, r.path);
  bind_text(s, i++, r.sha256);
  bind_text(s, i++, r.kind);
  bind_text(s, i++, r.facts_json);
  sqlite3_bind_int(s, i++, r.token_estimate);
  sqlite3_bind_int(s, i++, r.naive_tokens);
  bind_text(s, i++, r.request_id);
  bind_text(s, i++, r.backend);
  bind_text(s, i++, r.model);
  bind_text(s, i++, r.prompt_version);
  bind_text(s, i++, r.raw_reply);
  bind_text(s, i++, r.decision_json);
  bind_text(s, i++, r.outcome);
  bind_bytes(s, i++, r.destination);
  bind_text(s, i++, r.error);
  sqlite3_bind_int(s, i++, r.prompt_tokens);
  sqlite3_bind_int(s, i++, r.cached_tokens);
  sqlite3_bind_int(s, i++, r.completion_tokens);
  sqlite3_bind_double(s, i++, r.cost_usd);
  sqlite3_bind_double(s, i++, r.normalize_ms);
  sqlite3_bind_double(s, i++, r.decide_ms);
  sqlite3_bind_double(s, i++, r.route_ms);
}

// Room for a whole stored raw reply, escaped.
constexpr std::size_t k_export_field_max = std::size_t{256} * 1024;

std::string fixed(double value, int decimals) {
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace

struct DecisionLog::Impl {
  DatabaseHandle db;
  StatementHandle insert;
};

DecisionLog::DecisionLog(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DecisionLog::~DecisionLog() = default;

Result<std::unique_ptr<DecisionLog>> DecisionLog::open(const std::string& path, SyncMode sync) {
  auto db = open_database(path, "decision log");
  if (!db) return tl::unexpected(db.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  sqlite3* raw = impl->db.get();
  if (auto ok = exec(raw, sync_pragma(sync)); !ok) return tl::unexpected(ok.error());
  if (auto ok = exec(raw, k_schema); !ok) return tl::unexpected(ok.error());
  sqlite3_stmt* statement = nullptr;
  const std::string sql = std::string("INSERT INTO decisions (") + k_columns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v3(raw, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
      SQLITE_OK) {
    return tl::unexpected(sqlite_error(raw, "prepare"));
  }
  impl->insert.reset(statement);
  return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(impl)));
}

Result<SyncMode> DecisionLog::sync_mode() {
  std::lock_guard lock(m_mutex);
  auto statement = prepare_statement(m_impl->db.get(), "PRAGMA synchronous");
  if (!statement) return tl::unexpected(statement.error());
  if (sqlite3_step(statement->get()) != SQLITE_ROW)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "PRAGMA synchronous"));
  // 2 is FULL, 3 EXTRA (at least as durable); 1 NORMAL, 0 OFF.
  return sqlite3_column_int(statement->get(), 0) >= 2 ? SyncMode::full : SyncMode::normal;
}

Result<void> DecisionLog::append(DecisionRow& row) {
  std::lock_guard lock(m_mutex);
  if (row.at_ms == 0) row.at_ms = now_ms();
  sqlite3_stmt* s = m_impl->insert.get();
  bind_row(s, row);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(m_impl->db.get(), "insert decision"));
  row.id = sqlite3_last_insert_rowid(m_impl->db.get());
  return {};
}

Result<std::vector<DecisionRow>> DecisionLog::since(std::int64_t since_ms) {
  std::lock_guard lock(m_mutex);
  const std::string sql =
      std::string("SELECT id, ") + k_columns + " FROM decisions WHERE at_ms >= ? ORDER BY id";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(m_impl->db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return tl::unexpected(sqlite_error(m_impl->db.get(), "select decisions"));
  }
  StatementHandle statement(raw);
  sqlite3_bind_int64(raw, 1, since_ms);
  std::vector<DecisionRow> rows;
  int rc = 0;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) rows.push_back(read_row(raw));
  if (rc != SQLITE_DONE) return tl::unexpected(sqlite_error(m_impl->db.get(), "select decisions"));
  return rows;
}

Result<int> DecisionLog::prune(std::int64_t before_ms, int limit) {
  std::lock_guard lock(m_mutex);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(m_impl->db.get(),
                         "DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE "
                         "at_ms < ?1 ORDER BY id LIMIT ?2)",
                         -1, &raw, nullptr) != SQLITE_OK) {
    return tl::unexpected(sqlite_error(m_impl->db.get(), "prune decisions"));
  }
  StatementHandle statement(raw);
  sqlite3_bind_int64(raw, 1, before_ms);
  sqlite3_bind_int(raw, 2, limit);
  if (sqlite3_step(raw) != SQLITE_DONE)
    return tl::unexpected(sqlite_error(m_impl->db.get(), "prune decisions"));
  return sqlite3_changes(m_impl->db.get());
}

std::string iso_time(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03}Z", text.data(), ms % 1000);
}

std::string decision_csv_header() {
  return csv_line({"id",
                   "time",
                   "file_id",
                   "path",
                   "sha256",
                   "kind",
                   "facts",
                   "token_estimate",
                   "naive_tokens",
                   "request_id",
                   "backend",
                   "model",
                   "prompt_version",
                   "raw_reply",
                   "decision",
                   "category",
                   "confidence",
                   "outcome",
                   "destination",
                   "error",
                   "prompt_tokens",
                   "cached_tokens",
                   "completion_tokens",
                   "cost_usd",
                   "normalize_ms",
                   "decide_ms",
                   "route_ms"});
}

namespace {

// The category and confidence, pulled out of the decision for spreadsheet filters.
std::pair<std::string, std::string> category_and_confidence(const std::string& decision_json) {
  const auto decision = nlohmann::json::parse(decision_json, nullptr, false);
  if (!decision.is_object()) return {};
  std::string category = decision.value("category", "");
  std::string confidence = decision.contains("confidence") && decision["confidence"].is_number()
                               ? fixed(decision["confidence"].get<double>(), 3)
                               : "";
  return {category, confidence};
}

}  // namespace

std::string to_csv_line(const DecisionRow& r) {
  const auto [category, confidence] = category_and_confidence(r.decision_json);
  std::vector<std::string> fields{std::to_string(r.id),
                                  iso_time(r.at_ms),
                                  std::to_string(r.file_id),
                                  r.path,
                                  r.sha256,
                                  r.kind,
                                  r.facts_json,
                                  std::to_string(r.token_estimate),
                                  std::to_string(r.naive_tokens),
                                  r.request_id,
                                  r.backend,
                                  r.model,
                                  r.prompt_version,
                                  r.raw_reply,
                                  r.decision_json,
                                  category,
                                  confidence,
                                  r.outcome,
                                  r.destination,
                                  r.error,
                                  std::to_string(r.prompt_tokens),
                                  std::to_string(r.cached_tokens),
                                  std::to_string(r.completion_tokens),
                                  fixed(r.cost_usd, 8),
                                  fixed(r.normalize_ms, 3),
                                  fixed(r.decide_ms, 3),
                                  fixed(r.route_ms, 3)};
  // Paths and replies are untrusted: one line per row, nothing a terminal would act on.
  for (auto& field : fields) field = printable(field, k_export_field_max);
  return csv_line(fields);
}

std::string to_json_line(const DecisionRow& r) {
  using nlohmann::json;
  const auto embedded = [](const std::string& text) {
    auto value = json::parse(text, nullptr, false);
    return value.is_discarded() ? json(nullptr) : value;
  };
  json line{{"id", r.id},
            {"time", iso_time(r.at_ms)},
            {"file_id", r.file_id},
            {"path", r.path},
            {"sha256", r.sha256},
            {"kind", r.kind},
            {"facts", embedded(r.facts_json)},
            {"tokens",
             {{"estimate", r.token_estimate},
              {"naive", r.naive_tokens},
              {"prompt", r.prompt_tokens},
              {"cached", r.cached_tokens},
              {"completion", r.completion_tokens}}},
            {"request_id", r.request_id},
            {"backend", r.backend},
            {"model", r.model},
            {"prompt_version", r.prompt_version},
            {"raw_reply", r.raw_reply},
            {"decision", embedded(r.decision_json)},
            {"outcome", r.outcome},
            {"destination", r.destination},
            {"error", r.error},
            {"cost_usd", r.cost_usd},
            {"latency_ms",
             {{"normalize", r.normalize_ms}, {"decide", r.decide_ms}, {"route", r.route_ms}}}};
  return line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now_ms) {
  if (text.empty()) return std::nullopt;
  // An age: digits and one unit.
  const char unit = text.back();
  static constexpr std::array<std::pair<char, std::int64_t>, 5> k_units = {
      {{'s', 1'000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}, {'w', 604'800'000}}};
  for (const auto& [letter, ms] : k_units) {
    if (unit != letter || text.size() < 2) continue;
    std::int64_t count = 0;
    const auto digits = text.substr(0, text.size() - 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (error != std::errc() || end != digits.data() + digits.size() || count < 0)
      return std::nullopt;
    return now_ms - count * ms;
  }
  // An ISO date, with an optional time (UTC).
  std::tm utc{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char separator = 0;
  const std::string copy(text);
  int consumed = 0;
  const int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2d%n%c%2d:%2d%n", &year, &month, &day,
                                 &consumed, &separator, &hour, &minute, &consumed);
  if (fields != 3 && fields != 6) return std::nullopt;
  if (fields == 6 && separator != 'T' && separator != ' ') return std::nullopt;
  std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
  if (fields == 6 && !rest.empty() && rest.front() == ':') {
    int used = 0;
    if (std::sscanf(copy.c_str() + consumed, ":%2d%n", &second, &used) != 1) return std::nullopt;
    rest.remove_prefix(static_cast<std::size_t>(used));
  }
  if (rest == "Z") rest = "";
  if (!rest.empty() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&utc)) * 1000;
}

}  // namespace pipeline

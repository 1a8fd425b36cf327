#include "pipeline/route/queue_sink.h"

#include <nlohmann/json.hpp>

#include "pipeline/display_text.h"
#include "pipeline/record_json.h"

namespace pipeline {
using nlohmann::json;

std::string queue_message_id(const FileRecord& record) {
  return "siftd-" + std::to_string(record.id) + "-" + record.sha256.substr(0, 16);
}

std::string queue_message(const FileRecord& record, const std::string& target) {
  return json{{"id", queue_message_id(record)},
              {"file_id", record.id},
              {"path", target},
              {"name", record.name},
              {"sha256", record.sha256},
              {"size", record.size},
              {"kind", kind_name(record)},
              {"facts", parse_stored_json(record.facts_json)},
              {"decision", decision_json(record)},
              {"outcome", outcome_json(record)},
              {"error", error_json(record)},
              {"time", utc_time(now_ms())},
              {"siftd_version", SIFTD_VERSION}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<void> QueueSink::announce(const FileRecord& record, const std::string& target) {
  const OutboxMessage message{0, record.id, m_queue, queue_message_id(record),
                              queue_message(record, target)};
  if (auto ok = m_outbox.add(message); !ok) return ok;
  // Published now when the queue is up; otherwise the service's outbox flush retries.
  if (m_publisher->publish(message.message_id, message.payload)) {
    (void)m_outbox.mark_published(m_queue, message.message_id);
  }
  return {};
}

Result<void> QueueSink::deliver(const FileRecord& record, const std::string& target) {
  if (auto ok = m_placement->deliver(record, target); !ok) return ok;
  return announce(record, target);
}

Result<bool> QueueSink::recover(const FileRecord& record, const std::string& target) {
  auto recovered = m_placement->recover(record, target);
  if (!recovered || !*recovered) return recovered;
  if (auto ok = announce(record, target); !ok) return tl::unexpected(ok.error());
  return true;
}

}  // namespace pipeline

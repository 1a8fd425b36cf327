#pragma once
// The outbox: a queue message is recorded in the journal database before it is published,
// and marked once published, so a crash or an unreachable queue never loses a message; the
// service publishes what is left over (at-least-once).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/error.h"
#include "pipeline/route/queue_publisher.h"

namespace pipeline {

struct OutboxMessage {
  std::int64_t id = 0;
  std::int64_t file_id = 0;
  std::string queue;       // the configured queue URL
  std::string message_id;  // unique per file and queue: consumers drop duplicates by it
  std::string payload;
};

class Outbox {
 public:
  static Result<std::unique_ptr<Outbox>> open(const std::string& journal_path);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Records a message; recording the same (queue, message_id) again is a no-op.
  Result<void> add(const OutboxMessage& message);
  Result<std::vector<OutboxMessage>> pending(int limit = 500);
  Result<void> mark_published(std::int64_t id);
  Result<void> mark_published(const std::string& queue, const std::string& message_id);

  // Publishes pending messages through the publisher named by their queue. Returns how many
  // are still pending (a publisher failed, or none is configured for a queue).
  std::size_t flush(const std::map<std::string, std::shared_ptr<QueuePublisher>>& publishers);

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  std::mutex m_mutex;
};

}  // namespace pipeline

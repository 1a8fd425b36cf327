#pragma once
// Spaces out attempts at a queue that is failing: after a failed publish, further publishes
// fail at once (the message stays in the outbox) until a wait that doubles with each failure
// (up to a cap) has passed; one success ends it. So an unreachable webhook or broker costs
// one timeout per wait, not one per file and per outbox flush.

#include <chrono>
#include <memory>
#include <mutex>

#include "pipeline/clock.h"
#include "pipeline/route/queue_publisher.h"

namespace pipeline {

struct BackoffSettings {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds max{30'000};
};

class BackoffPublisher final : public QueuePublisher {
 public:
  BackoffPublisher(std::shared_ptr<QueuePublisher> inner, std::shared_ptr<const Clock> clock,
                   BackoffSettings settings = {})
      : m_inner(std::move(inner)), m_clock(std::move(clock)), m_settings(settings) {}
  std::string_view kind() const override { return m_inner->kind(); }
  Result<void> publish(const std::string& message_id, const std::string& payload) override;

 private:
  std::shared_ptr<QueuePublisher> m_inner;
  std::shared_ptr<const Clock> m_clock;
  BackoffSettings m_settings;
  std::mutex m_mutex;
  int m_failures = 0;
  Clock::time_point m_failed_at{};
  Clock::time_point m_next_attempt{};
  std::string m_last_error;
};

}  // namespace pipeline

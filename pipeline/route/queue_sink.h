#pragma once
// A sink that places the file like the sink it wraps (a folder) and then announces it on a
// queue: the message goes into the outbox first, then is published. Recovery after a crash
// records the message again (a no-op when it was recorded), so none is lost.

#include <memory>
#include <string>

#include "pipeline/route/outbox.h"
#include "pipeline/route/queue_publisher.h"
#include "pipeline/route/sink.h"

namespace pipeline {

class QueueSink final : public Sink {
 public:
  QueueSink(std::unique_ptr<Sink> placement, std::string queue,
            std::shared_ptr<QueuePublisher> publisher, Outbox& outbox)
      : m_placement(std::move(placement)),
        m_queue(std::move(queue)),
        m_publisher(std::move(publisher)),
        m_outbox(outbox) {}

  std::string_view kind() const override { return "queue"; }
  Result<std::string> plan(const FileRecord& record) override { return m_placement->plan(record); }
  Result<void> deliver(const FileRecord& record, const std::string& target) override;
  Result<bool> recover(const FileRecord& record, const std::string& target) override;

 private:
  Result<void> announce(const FileRecord& record, const std::string& target);

  std::unique_ptr<Sink> m_placement;
  std::string m_queue;
  std::shared_ptr<QueuePublisher> m_publisher;
  Outbox& m_outbox;
};

// The JSON message for a record placed at `target`: file id, path, sha256, kind, facts,
// decision and outcome.
std::string queue_message(const FileRecord& record, const std::string& target);
std::string queue_message_id(const FileRecord& record);

}  // namespace pipeline

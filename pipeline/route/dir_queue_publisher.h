#pragma once
// A Maildir-style directory queue for consumers on the same host: each message is written to
// <queue>/tmp/<id>.json, fsynced, then renamed into <queue>/new/, so a consumer never sees a
// partial message. A consumer moves what it took to cur/ (or deletes it).

#include "pipeline/route/queue_publisher.h"

namespace pipeline {

class DirQueuePublisher final : public QueuePublisher {
 public:
  explicit DirQueuePublisher(std::string folder) : m_folder(std::move(folder)) {}
  std::string_view kind() const override { return "dirqueue"; }
  Result<void> publish(const std::string& message_id, const std::string& payload) override;

 private:
  std::string m_folder;
};

}  // namespace pipeline

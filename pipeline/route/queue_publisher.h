#pragma once
// Where queue messages go: a Maildir-style directory or a Redis stream. Publishing is
// at-least-once; every message carries an id so consumers can drop duplicates.

#include <string>
#include <string_view>

#include "pipeline/error.h"

namespace pipeline {

class QueuePublisher {
 public:
  virtual ~QueuePublisher() = default;
  virtual std::string_view kind() const = 0;
  virtual Result<void> publish(const std::string& message_id, const std::string& payload) = 0;
};

}  // namespace pipeline

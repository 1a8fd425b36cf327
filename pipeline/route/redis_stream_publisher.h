#pragma once
// Publishes messages onto a Redis stream with XADD (MAXLEN ~ N). The connection is made on
// first use and again after any failure, so a Redis restart costs a retry, not a message.

#include <memory>
#include <mutex>
#include <string>

#include "pipeline/route/queue_publisher.h"

namespace pipeline {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string stream;
};

// Parses "redis://HOST:PORT/STREAM".
Result<RedisAddress> parse_redis_url(const std::string& url);

class RedisStreamPublisher final : public QueuePublisher {
 public:
  RedisStreamPublisher(RedisAddress address, long long max_length, int timeout_ms = 2000);
  ~RedisStreamPublisher() override;
  std::string_view kind() const override { return "redis"; }
  Result<void> publish(const std::string& message_id, const std::string& payload) override;

 private:
  struct Connection;
  Result<void> connect();

  RedisAddress m_address;
  long long m_max_length;
  int m_timeout_ms;
  std::mutex m_mutex;
  std::unique_ptr<Connection> m_connection;
};

}  // namespace pipeline

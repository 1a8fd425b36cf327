#pragma once
// Publishes queue messages to an MQTT broker ("mqtt://HOST:PORT/TOPIC") with QoS 1 and
// reports success only once the broker's PUBACK came back, so the outbox marks a message
// delivered only when the broker has it. The connection (MQTT 5, libmosquitto's own network
// thread) is opened at construction and kept: it announces "online" on the retained topic
// siftd/<node>/status at each connect, and leaves "offline" there as its last will, sent by the
// broker when siftd dies or stops.

#include <memory>
#include <mutex>
#include <string>

#include "pipeline/route/queue_publisher.h"

namespace pipeline {

struct MqttAddress {
  std::string host;
  int port = 1883;
  std::string topic;
};

// Parses "mqtt://HOST[:PORT]/TOPIC"; the topic holds no wildcard (+, #) and no NUL.
Result<MqttAddress> parse_mqtt_url(const std::string& url);
// "" when `node` may be one level of a topic, else what is wrong with it.
std::string check_mqtt_node(const std::string& node);
// "siftd/<node>/status".
std::string mqtt_status_topic(const std::string& node);

class MqttPublisher final : public QueuePublisher {
 public:
  // `timeout_ms` bounds each wait: for the connection, and for a message's PUBACK.
  MqttPublisher(MqttAddress address, std::string node, int timeout_ms = 5000);
  ~MqttPublisher() override;
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  std::string_view kind() const override { return "mqtt"; }
  Result<void> publish(const std::string& message_id, const std::string& payload) override;

 private:
  struct Session;
  Result<void> start();
  Result<void> publish_confirmed(Session& session, const std::string& message_id,
                                 const std::string& payload);

  MqttAddress m_address;
  std::string m_node;
  int m_timeout_ms;
  std::mutex m_mutex;  // one publish at a time; guards m_session's creation
  std::unique_ptr<Session> m_session;
};

}  // namespace pipeline

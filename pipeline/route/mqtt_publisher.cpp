#include "pipeline/route/mqtt_publisher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <optional>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "pipeline/route/queue_url.h"

namespace pipeline {
namespace {

constexpr int k_keepalive_s = 30;
constexpr int k_qos = 1;
constexpr char k_online[] = "online";
constexpr char k_offline[] = "offline";

struct ClientDestroy {
  void operator()(mosquitto* client) const { mosquitto_destroy(client); }
};
using ClientHandle = std::unique_ptr<mosquitto, ClientDestroy>;

// libmosquitto's one process-wide setup; it must not run twice at once.
void initialize_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

// The client and what its callbacks, on libmosquitto's network thread, have seen.
struct MqttPublisher::Session {
  ClientHandle client;
  std::string status_topic;
  std::mutex mutex;
  std::condition_variable changed;
  // connecting until the first CONNACK or failure; then up, or down until libmosquitto's own
  // reconnect (or a new session) brings it up.
  enum class State { connecting, up, down } state = State::connecting;
  int awaited = -1;                 // the message id whose PUBACK publish() waits for
  std::optional<int> acknowledged;  // that PUBACK's reason code

  static void on_connect(mosquitto* client, void* user, int reason, int,
                         const mosquitto_property*) {
    auto* session = static_cast<Session*>(user);
    if (reason == 0) {
      // Each (re)connect says so: the broker may have published the last will meanwhile.
      mosquitto_publish_v5(client, nullptr, session->status_topic.c_str(),
                           static_cast<int>(sizeof k_online - 1), k_online, k_qos, true, nullptr);
    }
    std::lock_guard lock(session->mutex);
    session->state = reason == 0 ? State::up : State::down;
    session->changed.notify_all();
  }
  static void on_disconnect(mosquitto*, void* user, int, const mosquitto_property*) {
    auto* session = static_cast<Session*>(user);
    std::lock_guard lock(session->mutex);
    session->state = State::down;
    session->changed.notify_all();
  }
  static void on_publish(mosquitto*, void* user, int message_id, int reason,
                         const mosquitto_property*) {
    auto* session = static_cast<Session*>(user);
    std::lock_guard lock(session->mutex);
    if (message_id != session->awaited) return;  // the status message, or one given up on
    session->acknowledged = reason;
    session->changed.notify_all();
  }
};

Result<MqttAddress> parse_mqtt_url(const std::string& url) {
  auto parsed = split_queue_url(url, {"MQTT", "mqtt://", "TOPIC", 1883});
  if (!parsed) return tl::unexpected(parsed.error());
  if (parsed->name.find_first_of(std::string("+#\0", 3)) != std::string::npos)
    return fail(ErrorCode::queue, "an MQTT topic to publish to has no + or # wildcard: " + url);
  return MqttAddress{parsed->host, parsed->port, parsed->name};
}

std::string check_mqtt_node(const std::string& node) {
  if (node.empty()) return "is empty";
  if (node.find_first_of(std::string("/+#\0", 4)) != std::string::npos)
    return "must be one topic level: no /, + or #";
  return {};
}

std::string mqtt_status_topic(const std::string& node) {
  return "siftd/" + node + "/status";
}

MqttPublisher::MqttPublisher(MqttAddress address, std::string node, int timeout_ms)
    : m_address(std::move(address)), m_node(std::move(node)), m_timeout_ms(timeout_ms) {
  initialize_library();
  // Connected now, so the status topic says "online" from the start; a failure here is
  // retried at the first publish.
  (void)start();
}

MqttPublisher::~MqttPublisher() {
  if (!m_session) return;
  bool connected = false;
  {
    std::lock_guard lock(m_session->mutex);
    connected = m_session->state == Session::State::up;
  }
  bool disconnected = false;
  if (connected) {
    // A clean stop leaves "offline" too: MQTT 5 lets a DISCONNECT ask for the will.
    mosquitto_disconnect_v5(m_session->client.get(), MQTT_RC_DISCONNECT_WITH_WILL_MSG, nullptr);
    std::unique_lock lock(m_session->mutex);
    disconnected = m_session->changed.wait_for(lock, std::chrono::milliseconds(m_timeout_ms), [&] {
      return m_session->state != Session::State::up;
    });
  }
  // After a clean disconnect the network thread ends by itself; otherwise it is cancelled.
  mosquitto_loop_stop(m_session->client.get(), !disconnected);
}

Result<void> MqttPublisher::start() {
  auto session = std::make_unique<Session>();
  session->status_topic = mqtt_status_topic(m_node);
  session->client.reset(mosquitto_new(nullptr, true, session.get()));
  if (!session->client) return fail(ErrorCode::queue, "mqtt: cannot create a client");
  mosquitto* client = session->client.get();
  mosquitto_int_option(client, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_v5_callback_set(client, Session::on_connect);
  mosquitto_disconnect_v5_callback_set(client, Session::on_disconnect);
  mosquitto_publish_v5_callback_set(client, Session::on_publish);
  mosquitto_reconnect_delay_set(client, 1, 30, true);
  if (const int rc = mosquitto_will_set_v5(client, session->status_topic.c_str(),
                                           static_cast<int>(sizeof k_offline - 1), k_offline, k_qos,
                                           true, nullptr);
      rc != MOSQ_ERR_SUCCESS) {
    return fail(ErrorCode::queue,
                std::string("mqtt: cannot set the last will: ") + mosquitto_strerror(rc));
  }
  // A broker that is down now makes this session down at once (publishes fail fast and a
  // later one starts a new session); libmosquitto's thread still keeps trying meanwhile.
  if (mosquitto_connect_async(client, m_address.host.c_str(), m_address.port, k_keepalive_s) !=
      MOSQ_ERR_SUCCESS) {
    session->state = Session::State::down;
  }
  if (const int rc = mosquitto_loop_start(client); rc != MOSQ_ERR_SUCCESS) {
    return fail(ErrorCode::queue,
                std::string("mqtt: cannot start the network thread: ") + mosquitto_strerror(rc));
  }
  m_session = std::move(session);
  return {};
}

Result<void> MqttPublisher::publish(const std::string& message_id, const std::string& payload) {
  std::lock_guard publishing(m_mutex);
  if (!m_session) {
    if (auto ok = start(); !ok) return ok;
  }
  auto published = publish_confirmed(*m_session, message_id, payload);
  if (!published) {
    // Whatever went wrong (broker down, refused, no PUBACK in time), the next attempt starts
    // from a new client: libmosquitto gives up reconnecting after some errors (a refused
    // CONNACK, a name that does not resolve), and a late PUBACK then belongs to no one.
    mosquitto_loop_stop(m_session->client.get(), true);
    m_session.reset();
  }
  return published;
}

Result<void> MqttPublisher::publish_confirmed(Session& session, const std::string& message_id,
                                              const std::string& payload) {
  const std::string broker = m_address.host + ":" + std::to_string(m_address.port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_timeout_ms);
  std::unique_lock lock(session.mutex);
  // Only a connection under way is waited for: a broker known to be down fails the publish
  // at once, so an outage does not hold a worker or the outbox flush for the whole timeout.
  session.changed.wait_until(lock, deadline,
                             [&] { return session.state != Session::State::connecting; });
  if (session.state != Session::State::up)
    return fail(ErrorCode::queue, "mqtt: not connected to the broker at " + broker);
  int mid = 0;
  // Under the session's lock, so the PUBACK's callback cannot run before `mid` is awaited.
  const int rc =
      mosquitto_publish_v5(session.client.get(), &mid, m_address.topic.c_str(),
                           static_cast<int>(payload.size()), payload.data(), k_qos, false, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    return fail(ErrorCode::queue, "mqtt: publishing " + message_id + " to " + broker +
                                      " failed: " + mosquitto_strerror(rc));
  }
  session.awaited = mid;
  session.acknowledged.reset();
  const bool answered =
      session.changed.wait_until(lock, deadline, [&] { return session.acknowledged.has_value(); });
  session.awaited = -1;
  if (!answered) {
    return fail(ErrorCode::queue,
                "mqtt: the broker at " + broker + " did not confirm " + message_id + " in time");
  }
  if (*session.acknowledged >= 0x80) {
    return fail(ErrorCode::queue, "mqtt: the broker at " + broker + " refused " + message_id +
                                      ": " + mosquitto_reason_string(*session.acknowledged));
  }
  return {};
}

}  // namespace pipeline

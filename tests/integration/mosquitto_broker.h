#pragma once
// A real mosquitto broker on a given loopback port, with persistence so that a restart keeps
// its subscriptions and queued messages; and a subscriber (libmosquitto) with a persistent
// session that records every message it receives, reconnecting by itself across a restart.

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <mosquitto.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/wait_for.h"

extern char** environ;

namespace siftd_test {

class MosquittoBroker {
 public:
  MosquittoBroker(std::string folder, int port) : m_folder(std::move(folder)), m_port(port) {
    const passwd* user = ::getpwuid(::geteuid());
    {
      std::ofstream config(m_folder + "/mosquitto.conf");
      config << "listener " << m_port << " 127.0.0.1\n"
             << "allow_anonymous true\n"
             << "persistence true\n"
             << "persistence_location " << m_folder << "/\n"
             << "log_dest file " << m_folder
             << "/mosquitto.log\n"
             // Run as root (the test machine), mosquitto would switch to a "mosquitto" user that
             // cannot write the test's folder.
             << "user " << (user ? user->pw_name : "root") << "\n";
    }
    start();
  }
  ~MosquittoBroker() { stop(); }

  void start() {
    std::vector<std::string> args = {"mosquitto", "-c", m_folder + "/mosquitto.conf"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // Its start-up warnings (run as root) go to a file, not the test's output.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, (m_folder + "/mosquitto.stderr").c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawnp(&m_pid, "mosquitto", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    wait_for([&] { return accepts(); }, std::chrono::seconds(10));
  }

  // SIGTERM: mosquitto saves its persistence file and exits.
  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
  }

  bool accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(m_port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
  }
  int port() const { return m_port; }
  std::string log() const {
    std::ifstream in(m_folder + "/mosquitto.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string m_folder;
  int m_port;
  pid_t m_pid = -1;
};

class MqttSubscriber {
 public:
  struct Message {
    std::string topic;
    std::string payload;
  };

  MqttSubscriber(int port, std::vector<std::string> topics) : m_topics(std::move(topics)) {
    mosquitto_lib_init();
    // A fixed id without clean session: the broker keeps the subscription and queues QoS 1
    // messages while this subscriber is away, also across its own restart (persistence).
    m_client = mosquitto_new("siftd-test-subscriber", false, this);
    mosquitto_connect_callback_set(m_client, on_connect);
    mosquitto_subscribe_callback_set(m_client, on_subscribe);
    mosquitto_message_callback_set(m_client, on_message);
    mosquitto_reconnect_delay_set(m_client, 1, 1, false);
    mosquitto_connect_async(m_client, "127.0.0.1", port, 10);
    mosquitto_loop_start(m_client);
  }
  ~MqttSubscriber() {
    mosquitto_disconnect(m_client);
    mosquitto_loop_stop(m_client, true);
    mosquitto_destroy(m_client);
  }
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  bool subscribed() {
    std::lock_guard lock(m_mutex);
    return m_subscribed;
  }
  std::vector<Message> messages(const std::string& topic) {
    std::lock_guard lock(m_mutex);
    std::vector<Message> out;
    for (const auto& message : m_messages)
      if (message.topic == topic) out.push_back(message);
    return out;
  }
  std::string last(const std::string& topic) {
    const auto all = messages(topic);
    return all.empty() ? std::string() : all.back().payload;
  }

 private:
  static void on_connect(mosquitto* client, void* user, int reason) {
    auto* self = static_cast<MqttSubscriber*>(user);
    if (reason != 0) return;
    for (const auto& topic : self->m_topics) mosquitto_subscribe(client, nullptr, topic.c_str(), 1);
  }
  static void on_subscribe(mosquitto*, void* user, int, int, const int*) {
    auto* self = static_cast<MqttSubscriber*>(user);
    std::lock_guard lock(self->m_mutex);
    self->m_subscribed = true;
  }
  static void on_message(mosquitto*, void* user, const mosquitto_message* message) {
    auto* self = static_cast<MqttSubscriber*>(user);
    std::lock_guard lock(self->m_mutex);
    self->m_messages.push_back(
        {message->topic, std::string(static_cast<const char*>(message->payload),
                                     static_cast<std::size_t>(message->payloadlen))});
  }

  std::vector<std::string> m_topics;
  mosquitto* m_client = nullptr;
  std::mutex m_mutex;
  bool m_subscribed = false;
  std::vector<Message> m_messages;
};

}  // namespace siftd_test

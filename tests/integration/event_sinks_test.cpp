// Events out through the real binary: a webhook receiver that checks each request's HMAC
// signature, and a real mosquitto broker; both go away mid-run and come back on the same port,
// and every file is still announced at least once.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <csignal>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "mosquitto_broker.h"
#include "redis_server.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

const std::string k_secret = "test-webhook-secret-0123456789";
// Many services put an access token in a webhook's path; no log line may show it.
const std::string k_path_token = "path-token-5f4e3d2c1b";

// Written here with OpenSSL directly, not with siftd's own code, as a receiver would.
std::string expected_signature(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), k_secret.data(), static_cast<int>(k_secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string hex;
  char pair[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return "sha256=" + hex;
}

// What the receivers saw, kept across their restarts.
struct Received {
  std::mutex mutex;
  std::set<long long> file_ids;
  int requests = 0;
  int bad_signatures = 0;

  std::size_t files() {
    std::lock_guard lock(mutex);
    return file_ids.size();
  }
};

// An HTTP receiver on a fixed loopback port: 401 for a bad signature, 204 otherwise.
class WebhookReceiver {
 public:
  WebhookReceiver(int port, Received& received) : m_received(received) {
    m_server.Post("/hook.*", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(m_received.mutex);
      ++m_received.requests;
      if (request.get_header_value("X-Siftd-Signature") != expected_signature(request.body)) {
        ++m_received.bad_signatures;
        response.status = 401;
        return;
      }
      const auto message = nlohmann::json::parse(request.body);
      EXPECT_EQ(request.get_header_value("X-Siftd-Message-Id"), message["id"].get<std::string>());
      EXPECT_TRUE(fs::exists(message["path"].get<std::string>())) << message.dump();
      m_received.file_ids.insert(message["file_id"].get<long long>());
      response.status = 204;
    });
    // A restart may find the port in TIME_WAIT for a moment; httplib sets SO_REUSEADDR.
    wait_for([&] { return m_server.bind_to_port("127.0.0.1", port); }, std::chrono::seconds(10));
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() before the loop runs would be lost, and the join would wait forever.
    wait_for([this] { return m_server.is_running(); }, std::chrono::seconds(10));
  }
  ~WebhookReceiver() {
    m_server.stop();
    m_thread.join();
  }

 private:
  Received& m_received;
  httplib::Server m_server;
  std::thread m_thread;
};

std::string config_for(const siftd_test::TempDir& dir, const std::string& routes) {
  return "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
         "\"\nsettle_ms = 50\n[routes]\n" + routes;
}

std::size_t placed_files(const siftd_test::TempDir& dir) {
  std::size_t count = 0;
  if (!fs::exists(dir / "sorted")) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "sorted"))
    if (entry.is_regular_file() && entry.path().extension() == ".png") ++count;
  return count;
}

// A configuration whose `queue` key announces on mqtt://127.0.0.1:PORT/TOPIC, as node
// "testnode" (so its retained status is k_mqtt_status).
const std::string k_mqtt_status = "siftd/testnode/status";
std::string mqtt_config(const siftd_test::TempDir& dir, const std::string& queue, int port,
                        const std::string& topic) {
  return config_for(dir, queue + " = \"mqtt://127.0.0.1:" + std::to_string(port) + "/" + topic +
                             "\"\nmqtt_node = \"testnode\"\n");
}

void drop_files(const siftd_test::TempDir& dir, const std::string& prefix, int first, int last) {
  for (int i = first; i < last; ++i)
    write_file(dir / ("inbox/" + prefix + std::to_string(i) + ".png"), siftd_test::numbered_png(i));
}

}  // namespace

TEST(EventSinks, webhook_gets_every_file_signed_across_a_receiver_restart) {
  siftd_test::TempDir dir;
  Received received;
  const int port = siftd_test::free_port();
  auto receiver = std::make_unique<WebhookReceiver>(port, received);
  write_file(dir / "siftd.toml",
             config_for(dir, "route_queue = \"webhook:http://127.0.0.1:" + std::to_string(port) +
                                 "/hook/" + k_path_token + "\"\n"));
  siftd_test::DaemonProcess daemon(
      {"run", "--config", dir / "siftd.toml", "--log-format", "text", "--log-level", "debug"},
      dir / "log", {"SIFTD_WEBHOOK_SECRET=" + k_secret});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");

  drop_files(dir, "a", 0, 10);
  ASSERT_TRUE(wait_for([&] { return received.files() == 10; })) << read_file(dir / "log");

  receiver.reset();  // the receiver is down: files are still placed, messages wait
  drop_files(dir, "b", 10, 20);
  ASSERT_TRUE(wait_for([&] { return placed_files(dir) == 20; })) << read_file(dir / "log");
  // The outbox has tried again and logged it (with the queue named, but not its token).
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "not yet published")) << read_file(dir / "log");
  receiver = std::make_unique<WebhookReceiver>(port, received);
  ASSERT_TRUE(wait_for([&] { return received.files() == 20; })) << read_file(dir / "log");

  {
    std::lock_guard lock(received.mutex);
    EXPECT_EQ(received.bad_signatures, 0);
  }
  EXPECT_EQ(daemon.stop(), 0);
  const std::string log = read_file(dir / "log");
  EXPECT_EQ(log.find(k_secret), std::string::npos) << "the secret is logged";
  EXPECT_EQ(log.find(k_path_token), std::string::npos) << "the URL's token is logged";
}

TEST(EventSinks, a_webhook_with_the_wrong_secret_is_retried_until_it_is_accepted) {
  siftd_test::TempDir dir;
  Received received;
  const int port = siftd_test::free_port();
  WebhookReceiver receiver(port, received);
  // The file's secret is not the receiver's: every request is refused with 401 and stays in
  // the outbox. (The environment's secret is not looked at when the file names one.)
  write_file(dir / "siftd.toml",
             config_for(dir, "route_queue = \"webhook:http://127.0.0.1:" + std::to_string(port) +
                                 "/hook\"\nwebhook_secret = \"not-the-receivers-secret\"\n"));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log", {"SIFTD_WEBHOOK_SECRET=" + k_secret});
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  drop_files(dir, "w", 0, 3);
  ASSERT_TRUE(wait_for([&] {
    std::lock_guard lock(received.mutex);
    return received.bad_signatures >= 3;
  })) << read_file(dir / "log");
  EXPECT_EQ(received.files(), 0u);
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_EQ(read_file(dir / "log").find("not-the-receivers-secret"), std::string::npos);

  // Restarted with the right secret, siftd delivers what its outbox kept.
  write_file(dir / "siftd.toml", config_for(dir, "route_queue = \"webhook:http://127.0.0.1:" +
                                                     std::to_string(port) + "/hook\"\n"));
  siftd_test::DaemonProcess again({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                  dir / "log2", {"SIFTD_WEBHOOK_SECRET=" + k_secret});
  ASSERT_TRUE(wait_for([&] { return received.files() == 3; })) << read_file(dir / "log2");
  EXPECT_EQ(again.stop(), 0);
}

TEST(EventSinks, a_webhook_queue_without_a_secret_is_a_configuration_error) {
  siftd_test::TempDir dir;
  write_file(dir / "siftd.toml",
             config_for(dir, "route_queue = \"webhook:http://127.0.0.1:9/hook\"\n"));
  siftd_test::DaemonProcess daemon(
      {"run", "--config", dir / "siftd.toml", "--log-format", "text"}, dir / "log",
      {"SIFTD_WEBHOOK_SECRET=", "SIFTD_WEBHOOK_SECRET_FILE=", "CREDENTIALS_DIRECTORY="});
  EXPECT_EQ(daemon.wait_exit(), 2) << read_file(dir / "log");
  EXPECT_NE(read_file(dir / "log").find("SIFTD_WEBHOOK_SECRET"), std::string::npos)
      << read_file(dir / "log");
}

TEST(EventSinks, mqtt_gets_every_file_across_a_broker_restart_and_keeps_its_status) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "broker");
  siftd_test::MosquittoBroker broker(dir / "broker", siftd_test::free_port());
  ASSERT_TRUE(broker.accepts()) << broker.log();
  const std::string topic = "siftd/test/files";
  const std::string& status = k_mqtt_status;
  siftd_test::MqttSubscriber subscriber(broker.port(), {topic, status});
  ASSERT_TRUE(wait_for([&] { return subscriber.subscribed(); })) << broker.log();
  write_file(dir / "siftd.toml", mqtt_config(dir, "route_queue", broker.port(), topic));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  ASSERT_TRUE(wait_for([&] { return subscriber.last(status) == "online"; }))
      << read_file(dir / "log");

  const auto announced = [&] {
    std::set<long long> ids;
    for (const auto& message : subscriber.messages(topic))
      ids.insert(nlohmann::json::parse(message.payload)["file_id"].get<long long>());
    return ids.size();
  };
  drop_files(dir, "a", 0, 10);
  ASSERT_TRUE(wait_for([&] { return announced() == 10; })) << read_file(dir / "log");

  broker.stop();
  drop_files(dir, "b", 10, 20);
  ASSERT_TRUE(wait_for([&] { return placed_files(dir) == 20; })) << read_file(dir / "log");
  broker.start();
  ASSERT_TRUE(broker.accepts()) << broker.log();
  ASSERT_TRUE(wait_for([&] { return announced() == 20; }))
      << read_file(dir / "log") << broker.log();
  for (const auto& message : subscriber.messages(topic)) {
    const auto json = nlohmann::json::parse(message.payload);
    EXPECT_TRUE(fs::exists(json["path"].get<std::string>())) << message.payload;
    EXPECT_EQ(json["sha256"].get<std::string>().size(), 64u);
  }
  ASSERT_TRUE(wait_for([&] { return subscriber.last(status) == "online"; }));

  // A clean stop leaves "offline" on the retained status topic too.
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_TRUE(
      wait_for([&] { return subscriber.last(status) == "offline"; }, std::chrono::seconds(20)))
      << broker.log();
}

TEST(EventSinks, mqtt_last_will_says_offline_when_siftd_dies) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "broker");
  siftd_test::MosquittoBroker broker(dir / "broker", siftd_test::free_port());
  ASSERT_TRUE(broker.accepts()) << broker.log();
  const std::string& status = k_mqtt_status;
  write_file(dir / "siftd.toml", mqtt_config(dir, "failed_queue", broker.port(), "siftd/failed"));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  {
    // Subscribed after siftd connected: the retained message is what a newcomer sees.
    siftd_test::MqttSubscriber subscriber(broker.port(), {status});
    ASSERT_TRUE(wait_for([&] { return subscriber.last(status) == "online"; }))
        << read_file(dir / "log") << broker.log();
    daemon.signal(SIGKILL);
    EXPECT_TRUE(wait_for([&] { return subscriber.last(status) == "offline"; })) << broker.log();
  }
}

TEST(EventSinks, mqtt_status_stays_online_across_a_reload) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "broker");
  siftd_test::MosquittoBroker broker(dir / "broker", siftd_test::free_port());
  ASSERT_TRUE(broker.accepts()) << broker.log();
  const std::string topic = "siftd/test/files";
  const std::string& status = k_mqtt_status;
  siftd_test::MqttSubscriber subscriber(broker.port(), {topic, status});
  ASSERT_TRUE(wait_for([&] { return subscriber.subscribed(); })) << broker.log();
  write_file(dir / "siftd.toml", mqtt_config(dir, "route_queue", broker.port(), topic));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching")) << read_file(dir / "log");
  ASSERT_TRUE(wait_for([&] { return subscriber.last(status) == "online"; }));

  daemon.signal(SIGHUP);
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "configuration reloaded"))
      << read_file(dir / "log");
  // A file announced after the reload: what the broker got before it has arrived too.
  drop_files(dir, "r", 0, 1);
  ASSERT_TRUE(wait_for([&] { return subscriber.messages(topic).size() == 1; }))
      << read_file(dir / "log");
  for (const auto& message : subscriber.messages(status))
    EXPECT_EQ(message.payload, "online") << "the replaced runtime's connection said goodbye";
  EXPECT_EQ(daemon.stop(), 0);
}

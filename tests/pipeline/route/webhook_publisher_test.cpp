#include "pipeline/route/webhook_publisher.h"

#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/wait_for.h"

#include "pipeline/route/hmac_signature.h"

namespace pipeline {
namespace {

// A receiver on a free loopback port that answers every POST with `status` and keeps what it
// was sent; it echoes the signature header back, as a careless receiver's error page might.
class Receiver {
 public:
  explicit Receiver(int status) : m_status(status) {
    m_server.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      response.status = m_status;
      response.set_content("echo " + request.get_header_value("X-Siftd-Signature"), "text/plain");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() before the loop runs would be lost, and the join would wait forever.
    siftd_test::wait_for([this] { return m_server.is_running(); }, std::chrono::seconds(10));
  }
  ~Receiver() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "webhook:http://127.0.0.1:" + std::to_string(m_port) + "/hook"; }
  std::vector<httplib::Request> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

 private:
  int m_status;
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::vector<httplib::Request> m_requests;
};

TEST(WebhookUrl, takes_http_and_https_with_host_port_and_path) {
  auto address = parse_webhook_url("webhook:https://hooks.example.com:8443/siftd?x=1");
  ASSERT_TRUE(address) << address.error().detail;
  EXPECT_EQ(address->url, "https://hooks.example.com:8443/siftd?x=1");
  EXPECT_EQ(address->host, "hooks.example.com:8443");
  auto bare = parse_webhook_url("webhook:http://127.0.0.1");
  ASSERT_TRUE(bare) << bare.error().detail;
  EXPECT_EQ(bare->host, "127.0.0.1");
  EXPECT_TRUE(parse_webhook_url("webhook:http://[::1]:8080/h"));
}

TEST(WebhookUrl, refuses_other_schemes_credentials_bad_ports_and_spaces) {
  for (const char* url :
       {"https://h/x", "webhook:", "webhook:ftp://h/x", "webhook:http:///x", "webhook:http://:80/x",
        "webhook:https://user:pw@h/x", "webhook:http://h:0/x", "webhook:http://h:70000/x",
        "webhook:http://h:8o/x", "webhook:http://h/a b", "webhook:http://h/\n"}) {
    EXPECT_FALSE(parse_webhook_url(url)) << url;
  }
}

TEST(WebhookPublisher, posts_the_payload_signed_with_the_secret) {
  Receiver receiver(204);
  WebhookPublisher publisher(*parse_webhook_url(receiver.url()), "a-webhook-secret");
  const std::string payload = R"({"id":"siftd-7-abc","file_id":7})";
  auto published = publisher.publish("siftd-7-abc", payload);
  ASSERT_TRUE(published) << published.error().detail;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, payload);
  EXPECT_EQ(requests[0].get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].get_header_value("X-Siftd-Message-Id"), "siftd-7-abc");
  EXPECT_EQ(requests[0].get_header_value("X-Siftd-Signature"),
            "sha256=" + hmac_sha256_hex("a-webhook-secret", payload));
}

TEST(WebhookPublisher, an_answer_other_than_2xx_is_a_failure_that_names_the_status) {
  Receiver receiver(503);
  WebhookPublisher publisher(*parse_webhook_url(receiver.url()), "a-webhook-secret");
  auto published = publisher.publish("siftd-1-x", "{}");
  ASSERT_FALSE(published);
  EXPECT_EQ(published.error().code, ErrorCode::queue);
  EXPECT_NE(published.error().detail.find("503"), std::string::npos) << published.error().detail;
  EXPECT_EQ(published.error().detail.find("a-webhook-secret"), std::string::npos);
}

TEST(WebhookPublisher, an_unreachable_receiver_is_a_failure) {
  std::string url;
  {
    Receiver gone(200);
    url = gone.url();
  }
  WebhookPublisher publisher(*parse_webhook_url(url), "a-webhook-secret", 2000);
  auto published = publisher.publish("siftd-1-x", "{}");
  ASSERT_FALSE(published);
  EXPECT_EQ(published.error().code, ErrorCode::queue);
}

}  // namespace
}  // namespace pipeline

// CurlLlmClient over loopback: concurrency capped at max_in_flight, everything answered once,
// and shutdown cancelling what is queued or in flight.

#include "pipeline/model/curl_llm_client.h"

#include <atomic>
#include <future>
#include <vector>

#include <gtest/gtest.h>

#include "tests/wait_for.h"

#include "tests/fakes/fake_model_server.h"

namespace pipeline {
namespace {

using std::chrono::milliseconds;

HttpRequest request_to(const fakes::FakeModelServer& server) {
  HttpRequest request;
  request.url = server.base_url() + "/chat/completions";
  request.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  request.timeout = milliseconds(10'000);
  return request;
}

TEST(CurlLlmClient, keeps_at_most_max_in_flight_requests_open_and_answers_each_once) {
  fakes::FakeServerOptions options;
  options.latency = milliseconds(50);
  fakes::FakeModelServer server(options);
  ASSERT_TRUE(server.start());
  CurlClientOptions client_options;
  client_options.max_in_flight = 4;
  auto client = CurlLlmClient::create(client_options);
  ASSERT_TRUE(client);

  constexpr int k_requests = 20;
  std::vector<std::promise<HttpResult>> results(k_requests);
  for (auto& result : results) {
    (*client)->send(request_to(server),
                    [&result](HttpResult answer) { result.set_value(std::move(answer)); });
  }
  for (auto& result : results) {
    auto answer = result.get_future().get();
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->status, 200);
    EXPECT_NE(answer->body.find("chat.completion"), std::string::npos);
  }
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(k_requests));
  EXPECT_LE(server.max_concurrent(), 4);
  EXPECT_GE(server.max_concurrent(), 2) << "requests run side by side";
}

TEST(CurlLlmClient, reports_a_refused_connection_as_a_network_error) {
  auto client = CurlLlmClient::create(CurlClientOptions{});
  ASSERT_TRUE(client);
  HttpRequest request;
  request.url = "http://127.0.0.1:1/v1/chat/completions";
  request.body = "{}";
  auto answer = (*client)->post(request);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::network);
}

TEST(CurlLlmClient, shutdown_cancels_queued_and_in_flight_requests) {
  fakes::FakeServerOptions options;
  options.latency = milliseconds(30'000);
  fakes::FakeModelServer server(options);
  ASSERT_TRUE(server.start());
  CurlClientOptions client_options;
  client_options.max_in_flight = 1;
  auto client = CurlLlmClient::create(client_options);
  ASSERT_TRUE(client);
  std::atomic<int> cancelled{0};
  std::promise<void> both;
  std::atomic<int> done{0};
  for (int i = 0; i < 2; ++i) {
    (*client)->send(request_to(server), [&](HttpResult answer) {
      if (!answer && answer.error().code == ErrorCode::cancelled) ++cancelled;
      if (++done == 2) both.set_value();
    });
  }
  ASSERT_TRUE(siftd_test::wait_for([&] { return server.request_count() > 0; }));
  (*client)->shutdown();
  both.get_future().wait();
  EXPECT_EQ(cancelled, 2);
  auto after = (*client)->post(request_to(server));
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::cancelled);
}

}  // namespace
}  // namespace pipeline

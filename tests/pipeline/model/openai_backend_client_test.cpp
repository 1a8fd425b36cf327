// The openai backend above a FakeLlmClient: no network and no threads, so what the backend
// sends for each reply can be read request by request.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/model/provider_backend.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_llm_client.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline {
namespace {

using fakes::FakeLlmClient;
using fakes::http_response;
using nlohmann::json;

std::string completion(const std::string& content) {
  return json{
      {"id", "chatcmpl-1"},
      {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}},
      {"usage", {{"prompt_tokens", 300}, {"completion_tokens", 20}}}}
      .dump();
}

const std::string k_photo =
    R"({"category":"photo","confidence":0.9,"route":"accept","summary":"a photo","fields":{}})";

class ProviderBackendClient : public ::testing::Test {
 protected:
  Result<Answer> decide(FakeLlmClient& client) {
    ProviderSettings settings;
    settings.base_url = "http://127.0.0.1:9/v1";
    settings.api_key = "test-key";
    settings.request.model = "gemini-2.5-flash-lite";
    settings.retry = RetrySettings{3, std::chrono::milliseconds(500),
                                   std::chrono::milliseconds(30'000), std::chrono::minutes(5)};
    ProviderBackend backend(
        settings, default_taxonomy(),
        ProviderPorts{client, m_clock, std::make_shared<SpendTracker>(SpendCaps{}, m_clock),
                      [] { return 0.5; }});
    return backend.decide(pipeline_test::image_input(), DecideContext{});
  }

  fakes::FakeClock m_clock;
};

TEST_F(ProviderBackendClient, a_500_is_retried_and_every_request_counted) {
  FakeLlmClient client({http_response(500, "{}"), http_response(200, completion(k_photo))});
  auto answer = decide(client);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(client.requests.size(), 2u);
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(client.requests[0].body, client.requests[1].body) << "a retry sends the same bytes";
}

TEST_F(ProviderBackendClient, a_reply_that_breaks_the_schema_is_repaired_once_with_the_error) {
  FakeLlmClient client(
      {http_response(200, completion("not json at all")), http_response(200, completion(k_photo))});
  auto answer = decide(client);
  ASSERT_TRUE(answer) << answer.error().detail;
  ASSERT_EQ(client.requests.size(), 2u);
  const json repair = json::parse(client.requests[1].body);
  const std::string last = repair["messages"].back().dump();
  EXPECT_NE(last.find("not JSON"), std::string::npos) << last;
}

TEST_F(ProviderBackendClient, sends_the_key_only_in_the_authorization_header) {
  FakeLlmClient client({http_response(200, completion(k_photo))});
  ASSERT_TRUE(decide(client));
  ASSERT_EQ(client.requests.size(), 1u);
  const auto& request = client.requests.front();
  EXPECT_EQ(request.url.find("test-key"), std::string::npos);
  EXPECT_EQ(request.body.find("test-key"), std::string::npos);
  bool in_header = false;
  for (const auto& header : request.headers)
    in_header |= header == "Authorization: Bearer test-key";
  EXPECT_TRUE(in_header);
}

}  // namespace
}  // namespace pipeline

#pragma once
// A ProviderBackend over the real curl client and the fake model server on loopback, with a fake
// clock and a spend tracker: the fixture the openai and gemini backend tests share. Each test
// file says which wire format and server options it runs.

#include <memory>

#include <gtest/gtest.h>

#include "pipeline/model/curl_llm_client.h"
#include "pipeline/model/provider_backend.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_model_server.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline_test {

class ProviderBackendFixture : public ::testing::Test {
 protected:
  explicit ProviderBackendFixture(fakes::FakeServerOptions options = {}) : m_server(options) {}

  void SetUp() override {
    ASSERT_TRUE(m_server.start());
    auto client = pipeline::CurlLlmClient::create(pipeline::CurlClientOptions{});
    ASSERT_TRUE(client);
    m_client = std::move(*client);
    m_spend = std::make_shared<pipeline::SpendTracker>(pipeline::SpendCaps{}, m_clock);
  }

  // What every test starts from; the wire format and endpoint are the test file's.
  static pipeline::ProviderSettings common_settings() {
    using std::chrono::milliseconds;
    pipeline::ProviderSettings s;
    s.request.model = "gemini-2.5-flash-lite";
    s.timeout = milliseconds(400);
    s.retry =
        pipeline::RetrySettings{3, milliseconds(500), milliseconds(30'000), milliseconds(60'000)};
    return s;
  }

  // The test file's settings: its wire format, endpoint and key over common_settings().
  virtual pipeline::ProviderSettings settings() = 0;

  std::unique_ptr<pipeline::ProviderBackend> backend() { return backend(settings()); }
  std::unique_ptr<pipeline::ProviderBackend> backend(pipeline::ProviderSettings s) {
    return std::make_unique<pipeline::ProviderBackend>(
        std::move(s), pipeline::default_taxonomy(),
        pipeline::ProviderPorts{*m_client, m_clock, m_spend, [] { return 0.5; }});
  }

  pipeline::Result<pipeline::Answer> decide(pipeline::ProviderBackend& b,
                                            const media::Normalized& input = image_input()) {
    return b.decide(input, pipeline::DecideContext{});
  }

  static fakes::ScriptedReply reply(fakes::Fault fault) {
    fakes::ScriptedReply r;
    r.fault = fault;
    return r;
  }

  fakes::FakeModelServer m_server;
  std::unique_ptr<pipeline::CurlLlmClient> m_client;
  fakes::FakeClock m_clock;
  std::shared_ptr<pipeline::SpendTracker> m_spend;
};

}  // namespace pipeline_test

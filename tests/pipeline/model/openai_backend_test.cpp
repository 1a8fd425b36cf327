// The openai backend driven through the real curl client against the fake server over loopback,
// one fault mode at a time. Waits are read from the fake clock, never from wall time.

#include "pipeline/model/provider_backend.h"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "pipeline/model/curl_llm_client.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_model_server.h"
#include "tests/pipeline/model/provider_backend_fixture.h"
#include "tests/pipeline/request_bodies.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline {
namespace {

using fakes::Fault;
using fakes::ScriptedReply;
using std::chrono::milliseconds;

class ProviderBackendTest : public pipeline_test::ProviderBackendFixture {
 protected:
  void TearDown() override { pipeline_test::save_request_bodies(m_server); }

  ProviderSettings settings() override {
    ProviderSettings s = common_settings();
    s.base_url = m_server.base_url();
    s.api_key = "test-key";
    return s;
  }
};

TEST_F(ProviderBackendTest, answers_with_usage_cost_request_id_and_prompt_version) {
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->decision.category, "photo");
  EXPECT_EQ(answer->backend, "openai");
  EXPECT_EQ(answer->attempts, 1);
  EXPECT_EQ(answer->usage.prompt_tokens, 600);
  EXPECT_EQ(answer->usage.cached_tokens, 400);
  EXPECT_EQ(answer->usage.completion_tokens, 40);
  EXPECT_GT(answer->usage.cost_usd, 0);
  EXPECT_EQ(answer->request_id, "chatcmpl-fake-0");
  EXPECT_EQ(answer->prompt_version, b->prompt_version());
  EXPECT_FALSE(answer->raw_reply.empty());
  EXPECT_DOUBLE_EQ(m_spend->spent_today(), answer->usage.cost_usd);
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
}

TEST_F(ProviderBackendTest, waits_as_long_as_retry_after_says_on_429) {
  ScriptedReply limited = reply(Fault::rate_limited);
  limited.retry_after_s = 7;
  m_server.script({limited});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(m_server.request_count(), 2u);
  EXPECT_EQ(m_clock.sleeps(), std::vector<milliseconds>{milliseconds(7000)});
}

TEST_F(ProviderBackendTest, a_retry_after_beyond_the_cap_pauses_the_endpoint_for_the_cap_only) {
  ScriptedReply endless = reply(Fault::rate_limited);
  endless.retry_after_s = 999'999'999;
  m_server.script({endless});
  auto b = backend();
  auto first = decide(*b);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::paused);
  EXPECT_NE(first.error().detail.find("999999999 s"), std::string::npos) << first.error().detail;
  EXPECT_TRUE(m_clock.sleeps().empty()) << "nothing waits for the server's wish";
  ASSERT_TRUE(b->limiter().parked());

  auto paused = decide(*b);
  ASSERT_FALSE(paused);
  EXPECT_EQ(paused.error().code, ErrorCode::paused);
  EXPECT_EQ(m_server.request_count(), 1u) << "a paused endpoint is sent nothing";

  m_clock.advance(std::chrono::seconds(61));  // the cap is 60 s here
  auto after = decide(*b);
  ASSERT_TRUE(after) << after.error().detail;
  EXPECT_EQ(m_server.request_count(), 2u);
}

TEST_F(ProviderBackendTest, honours_retry_info_in_an_array_wrapped_error_body) {
  ScriptedReply exhausted = reply(Fault::resource_exhausted);
  exhausted.retry_delay = "3.5s";
  m_server.script({exhausted});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(m_clock.sleeps(), std::vector<milliseconds>{milliseconds(3500)});
}

TEST_F(ProviderBackendTest, parks_on_a_per_day_quota_until_the_reset_without_retrying) {
  m_server.script({reply(Fault::quota_per_day)});
  auto b = backend();
  auto first = decide(*b);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::quota);
  EXPECT_EQ(m_server.request_count(), 1u);

  auto parked = decide(*b);
  ASSERT_FALSE(parked);
  EXPECT_EQ(parked.error().code, ErrorCode::quota);
  EXPECT_EQ(m_server.request_count(), 1u) << "a parked quota sends nothing";

  // The fake wall clock says 12:00 UTC; the reset is at 08:00 UTC the next day.
  m_clock.advance(std::chrono::hours(20) + std::chrono::minutes(1));
  auto after_reset = decide(*b);
  ASSERT_TRUE(after_reset) << after_reset.error().detail;
  EXPECT_EQ(m_server.request_count(), 2u);
}

TEST_F(ProviderBackendTest, retries_500_and_503_with_exponential_full_jitter) {
  m_server.script({reply(Fault::server_error), reply(Fault::unavailable)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 3);
  // random() is 0.5: half of 500 ms, then half of 1000 ms.
  EXPECT_EQ(m_clock.sleeps(), (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
}

TEST_F(ProviderBackendTest, gives_up_after_max_retries) {
  m_server.script({reply(Fault::server_error), reply(Fault::server_error),
                   reply(Fault::server_error), reply(Fault::server_error)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::server);
  EXPECT_EQ(m_server.request_count(), 4u);
  EXPECT_EQ(m_clock.sleeps().size(), 3u);
}

TEST_F(ProviderBackendTest, never_retries_400_or_401) {
  for (const auto& [fault, code] : {std::pair{Fault::bad_request, ErrorCode::client},
                                    std::pair{Fault::unauthorized, ErrorCode::auth}}) {
    m_server.script({reply(fault)});
    const auto before = m_server.request_count();
    auto b = backend();
    auto answer = decide(*b);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, code);
    EXPECT_EQ(m_server.request_count(), before + 1);
  }
  EXPECT_TRUE(m_clock.sleeps().empty());
}

TEST_F(ProviderBackendTest, a_refused_key_degrades_the_tier_until_it_answers_again) {
  m_server.script({reply(Fault::unauthorized)});
  auto b = backend();
  EXPECT_TRUE(b->degraded().empty());
  ASSERT_FALSE(decide(*b));
  const std::string why = b->degraded();
  EXPECT_NE(why.find("the API key was refused"), std::string::npos) << why;
  EXPECT_NE(why.find(m_server.base_url()), std::string::npos) << why;
  ASSERT_TRUE(decide(*b));
  EXPECT_TRUE(b->degraded().empty()) << b->degraded();
}

TEST_F(ProviderBackendTest, probe_sends_one_request_and_names_an_unknown_model) {
  m_server.script({reply(Fault::model_not_found)});
  auto b = backend();
  auto probed = b->probe();
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().code, ErrorCode::not_found);
  EXPECT_NE(probed.error().detail.find(m_server.base_url()), std::string::npos)
      << probed.error().detail;
  EXPECT_EQ(m_server.request_count(), 1u) << "never retried";
  EXPECT_FALSE(b->degraded().empty());
  EXPECT_TRUE(b->probe());
  EXPECT_TRUE(b->degraded().empty());
}

TEST_F(ProviderBackendTest, retries_a_reply_slower_than_the_timeout) {
  m_server.script({reply(Fault::slow)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(m_clock.sleeps(), std::vector<milliseconds>{milliseconds(250)});
}

TEST_F(ProviderBackendTest, retries_a_dropped_connection) {
  m_server.script({reply(Fault::drop_connection)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
}

// An input that crashed fuzz_openai_reply (tests/fuzz/regressions/openai_reply/): the usage of
// the two requests of a repair round, summed as claimed, overflowed int.
TEST_F(ProviderBackendTest,
       claimed_token_counts_are_clamped_so_sums_never_overflow_or_go_negative) {
  fakes::FakeServerOptions options;
  options.prompt_tokens = 2'147'483'647;
  options.completion_tokens = -5;
  fakes::FakeModelServer server(options);
  ASSERT_TRUE(server.start());
  server.script({reply(Fault::malformed_json)});
  // Its own client, closed before the server stops (an idle keep-alive would hold the server).
  auto client = CurlLlmClient::create(CurlClientOptions{});
  ASSERT_TRUE(client);
  ProviderSettings s = settings();
  s.base_url = server.base_url();
  ProviderBackend backend(s, default_taxonomy(),
                          ProviderPorts{**client, m_clock, m_spend, [] { return 0.5; }});
  auto answer = backend.decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(answer->usage.prompt_tokens, 200'000'000) << "each reply counts at most 10^8";
  EXPECT_EQ(answer->usage.completion_tokens, 0);
  EXPECT_GT(answer->usage.cost_usd, 0);
}

TEST_F(ProviderBackendTest, repairs_malformed_json_once_with_the_error_appended) {
  m_server.script({reply(Fault::malformed_json)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(answer->usage.prompt_tokens, 1200) << "both requests are billed";
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body.find("That reply was invalid"), std::string::npos);
  EXPECT_NE(requests[1].body.find("That reply was invalid: the reply is not JSON"),
            std::string::npos);
}

TEST_F(ProviderBackendTest, repairs_a_truncated_body) {
  m_server.script({reply(Fault::truncated_body)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
}

TEST_F(ProviderBackendTest, fails_when_the_repair_breaks_the_schema_too) {
  m_server.script({reply(Fault::schema_breaking), reply(Fault::schema_breaking)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_reply);
  EXPECT_EQ(m_server.request_count(), 2u);
}

TEST_F(ProviderBackendTest, never_answers_a_category_outside_the_taxonomy) {
  for (const Fault fault : {Fault::unknown_category, Fault::path_category}) {
    m_server.script({reply(fault), reply(fault)});
    auto b = backend();
    auto answer = decide(*b);
    ASSERT_FALSE(answer) << "category " << answer->decision.category << " was accepted";
    EXPECT_EQ(answer.error().code, ErrorCode::invalid_reply);
    EXPECT_NE(answer.error().detail.find("not in the taxonomy"), std::string::npos);
  }
}

TEST_F(ProviderBackendTest, opens_the_circuit_after_repeated_failures_and_probes_once) {
  ProviderSettings s = settings();
  s.retry.max_retries = 0;
  s.breaker_failures = 2;
  s.breaker_cooldown = milliseconds(10'000);
  auto b = backend(s);
  m_server.script(
      {reply(Fault::unavailable), reply(Fault::unavailable), reply(Fault::unavailable)});
  EXPECT_EQ(decide(*b).error().code, ErrorCode::server);
  EXPECT_EQ(decide(*b).error().code, ErrorCode::server);
  auto refused = decide(*b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::circuit_open);
  EXPECT_EQ(m_server.request_count(), 2u);

  m_clock.advance(milliseconds(10'000));
  EXPECT_EQ(decide(*b).error().code, ErrorCode::server) << "the probe fails";
  EXPECT_EQ(b->breaker().state(), CircuitState::open);
  m_clock.advance(milliseconds(10'000));
  EXPECT_TRUE(decide(*b)) << "the next probe succeeds";
  EXPECT_EQ(b->breaker().state(), CircuitState::closed);
  EXPECT_EQ(m_server.request_count(), 4u);
}

TEST_F(ProviderBackendTest, stops_at_the_daily_spend_cap) {
  m_spend = std::make_shared<SpendTracker>(SpendCaps{0.00001, 0}, m_clock);
  auto b = backend();
  ASSERT_TRUE(decide(*b));
  auto over = decide(*b);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::over_budget);
  EXPECT_EQ(m_server.request_count(), 1u);
  m_clock.advance(std::chrono::hours(24));
  EXPECT_TRUE(decide(*b)) << "a new UTC day has a new budget";
}

TEST_F(ProviderBackendTest, keeps_to_the_requests_per_minute_bucket) {
  ProviderSettings s = settings();
  s.limits.requests_per_minute = 60;
  auto b = backend(s);
  for (int i = 0; i < 61; ++i) ASSERT_TRUE(decide(*b));
  EXPECT_EQ(m_clock.sleeps(), std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(ProviderBackendTest, sends_reasoning_effort_only_when_configured) {
  auto plain = backend();
  ASSERT_TRUE(decide(*plain));
  ProviderSettings s = settings();
  s.request.reasoning_effort = "low";
  auto thinking = backend(s);
  ASSERT_TRUE(decide(*thinking));
  const auto requests = m_server.requests();
  EXPECT_EQ(requests[0].body.find("reasoning_effort"), std::string::npos);
  EXPECT_NE(requests[1].body.find(R"("reasoning_effort":"low")"), std::string::npos);
}

TEST_F(ProviderBackendTest, never_logs_the_api_key) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::trace);
  m_server.script({reply(Fault::unauthorized), reply(Fault::server_error),
                   reply(Fault::malformed_json), reply(Fault::malformed_json)});
  auto b = backend();
  (void)decide(*b);
  (void)decide(*b);
  spdlog::set_default_logger(previous);
  EXPECT_FALSE(log.str().empty());
  EXPECT_EQ(log.str().find("test-key"), std::string::npos) << log.str();
}

}  // namespace
}  // namespace pipeline

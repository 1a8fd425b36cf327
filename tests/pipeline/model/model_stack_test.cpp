// The assembled openai backend against the fake server: result cache, fallbacks, spend caps,
// parking, the escalation cascade and cancellation at shutdown.

#include "pipeline/model/model_stack.h"

#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "tests/wait_for.h"

#include "pipeline/decide/policy.h"
#include "pipeline/model/curl_llm_client.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_model_server.h"
#include "tests/pipeline/request_bodies.h"
#include "tests/pipeline/test_inputs.h"
#include "tests/temp_dir.h"

namespace pipeline {
namespace {

using fakes::Fault;
using fakes::ScriptedReply;
using std::chrono::milliseconds;

ScriptedReply reply(Fault fault) {
  ScriptedReply r;
  r.fault = fault;
  return r;
}

ScriptedReply content(const std::string& text) {
  ScriptedReply r;
  r.content = text;
  return r;
}

class ModelStackTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(m_server.start()); }
  void TearDown() override { pipeline_test::save_request_bodies(m_server); }

  ModelStackSettings settings() {
    ModelStackSettings s;
    s.first.base_url = m_server.base_url();
    s.first.request.model = "gemini-2.5-flash-lite";
    s.first.timeout = milliseconds(2000);
    s.first.retry = RetrySettings{1, milliseconds(100), milliseconds(1000), milliseconds(60'000)};
    s.cache_path = m_dir / "result_cache.db";
    return s;
  }

  std::unique_ptr<ModelStack> stack(ModelStackSettings s) {
    auto client = CurlLlmClient::create(CurlClientOptions{});
    EXPECT_TRUE(client);
    // A clock of its own: destroying a stack interrupts its clock for good, as at shutdown.
    ModelStackPorts ports{std::move(*client), std::make_shared<fakes::FakeClock>(),
                          [] { return 0.5; }};
    auto created = ModelStack::create(std::move(s), default_taxonomy(), std::move(ports));
    EXPECT_TRUE(created) << created.error().detail;
    return std::move(*created);
  }

  fakes::FakeModelServer m_server;
  siftd_test::TempDir m_dir;
};

TEST_F(ModelStackTest, reuses_a_cached_decision_for_the_same_content_prompt_and_model) {
  const DecideContext same{"aaaa"};
  {
    auto s = stack(settings());
    auto first = s->decide(pipeline_test::image_input(), same);
    ASSERT_TRUE(first) << first.error().detail;
    EXPECT_EQ(first->backend, "openai");
    auto again = s->decide(pipeline_test::image_input(), same);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->backend, "cache");
    EXPECT_EQ(again->usage.cost_usd, 0);
    EXPECT_EQ(again->decision.category, first->decision.category);
    EXPECT_EQ(m_server.request_count(), 1u);
    ASSERT_TRUE(s->decide(pipeline_test::image_input(), DecideContext{"bbbb"}));
    EXPECT_EQ(m_server.request_count(), 2u);
  }
  // The cache outlives the process.
  auto restarted = stack(settings());
  ASSERT_TRUE(restarted->decide(pipeline_test::image_input(), same));
  EXPECT_EQ(m_server.request_count(), 2u);
  // Another model is another key.
  ModelStackSettings other = settings();
  other.first.request.model = "gemini-2.5-flash";
  auto stronger = stack(other);
  ASSERT_TRUE(stronger->decide(pipeline_test::image_input(), same));
  EXPECT_EQ(m_server.request_count(), 3u);
}

TEST_F(ModelStackTest, falls_back_to_local_and_never_caches_the_fallback) {
  m_server.script({reply(Fault::path_category), reply(Fault::path_category)});
  auto s = stack(settings());
  auto answer = s->decide(pipeline_test::image_input(), DecideContext{"cccc"});
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->backend, "local");
  EXPECT_NE(answer->fallback_reason.find("invalid_reply"), std::string::npos);
  EXPECT_TRUE(default_taxonomy().find(answer->decision.category));
  EXPECT_EQ(m_server.request_count(), 2u);
  auto next = s->decide(pipeline_test::image_input(), DecideContext{"cccc"});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->backend, "openai") << "the fallback answer was not cached";
}

TEST_F(ModelStackTest, falls_back_to_human_review_when_configured) {
  ModelStackSettings s = settings();
  s.fallback.on_failure = OnFailure::human_review;
  m_server.script({reply(Fault::unknown_category), reply(Fault::unknown_category)});
  auto answer = stack(std::move(s))->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->decision.route, Route::human_review);
  EXPECT_EQ(decide_outcome(answer->decision, Thresholds{}), Outcome::review);
  EXPECT_EQ(answer->decision.category, "other");
}

TEST_F(ModelStackTest, falls_back_when_the_server_stays_down) {
  m_server.script({reply(Fault::unavailable), reply(Fault::unavailable)});
  auto answer = stack(settings())->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->backend, "local");
  EXPECT_EQ(m_server.request_count(), 2u);
}

TEST_F(ModelStackTest, parks_on_a_per_day_quota_even_with_a_local_fallback) {
  m_server.script({reply(Fault::quota_per_day)});
  auto answer = stack(settings())->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::quota);
}

TEST_F(ModelStackTest, over_the_spend_cap_parks_or_decides_locally_as_configured) {
  ModelStackSettings parking = settings();
  parking.caps.daily_usd = 1e-9;
  parking.cache_path.clear();
  auto parked = stack(parking);
  ASSERT_TRUE(parked->decide(pipeline_test::image_input(), DecideContext{}));
  auto over = parked->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::over_budget);

  ModelStackSettings local = parking;
  local.fallback.on_over_budget = OnOverBudget::local;
  auto falling = stack(local);
  ASSERT_TRUE(falling->decide(pipeline_test::image_input(), DecideContext{}));
  auto answer = falling->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->backend, "local");
  EXPECT_EQ(m_server.request_count(), 2u);
}

TEST_F(ModelStackTest, asks_the_stronger_model_when_the_first_is_unsure_and_records_both) {
  ModelStackSettings s = settings();
  s.second = s.first;
  s.second->request.model = "gemini-2.5-flash";
  s.escalation_below = 0.6;
  m_server.script(
      {content(
           R"({"category":"photo","confidence":0.4,"route":"accept","summary":"maybe","fields":{}})"),
       content(
           R"({"category":"screenshot","confidence":0.9,"route":"accept","summary":"sure","fields":{}})"),
       content(
           R"({"category":"photo","confidence":0.8,"route":"use_stronger_model","summary":"ask","fields":{}})"),
       content(
           R"({"category":"photo","confidence":0.95,"route":"accept","summary":"yes","fields":{}})")});
  auto cascade = stack(std::move(s));
  auto answer = cascade->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->decision.category, "screenshot");
  EXPECT_EQ(answer->model, "gemini-2.5-flash");
  ASSERT_EQ(answer->tiers.size(), 2u);
  EXPECT_EQ(answer->tiers[0].model, "gemini-2.5-flash-lite");
  EXPECT_EQ(answer->tiers[0].decision.category, "photo");
  EXPECT_NEAR(answer->usage.cost_usd,
              answer->tiers[0].usage.cost_usd + answer->tiers[1].usage.cost_usd, 1e-15);
  EXPECT_EQ(answer->usage.prompt_tokens, 1200);

  auto asked = cascade->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->tiers.size(), 2u) << "route use_stronger_model escalates too";
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[1].body.find(R"("model":"gemini-2.5-flash")"), std::string::npos);

  auto sure = cascade->decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_TRUE(sure);
  EXPECT_TRUE(sure->tiers.empty());
  EXPECT_EQ(m_server.request_count(), 5u);
}

TEST_F(ModelStackTest, cancel_at_shutdown_ends_a_request_in_flight) {
  m_server.script({reply(Fault::slow)});
  ModelStackSettings s = settings();
  s.first.timeout = milliseconds(60'000);
  auto model = stack(std::move(s));
  std::thread canceller([&] {
    EXPECT_TRUE(siftd_test::wait_for([&] { return m_server.request_count() > 0; }));
    model->cancel();
  });
  auto answer = model->decide(pipeline_test::image_input(), DecideContext{});
  canceller.join();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::cancelled);
}

}  // namespace
}  // namespace pipeline

namespace pipeline {
namespace {

// The same stack over Gemini's native API: the cache keys by its model, and a file the provider
// blocked goes to review with the reason, even when failures fall back to the local rules.
class GeminiModelStackTest : public ModelStackTest {
 protected:
  // Gemini bodies are held against the API's field lists elsewhere, not the OpenAI spec.
  void TearDown() override {}
  ModelStackSettings gemini_settings() {
    ModelStackSettings s = settings();
    s.first.wire = WireSettings{WireKind::gemini, MediaResolution::low};
    s.first.base_url = m_server.root_url();
    s.first.api_key = "gemini-stack-key-0123";
    return s;
  }
};

TEST_F(GeminiModelStackTest, caches_a_gemini_answer_and_sends_a_blocked_file_to_review) {
  auto s = stack(gemini_settings());
  EXPECT_EQ(s->name(), "gemini");
  auto first = s->decide(pipeline_test::image_input(), DecideContext{"dddd"});
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first->backend, "gemini");
  auto again = s->decide(pipeline_test::image_input(), DecideContext{"dddd"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->backend, "cache");
  EXPECT_EQ(m_server.request_count(), 1u);

  m_server.script({reply(Fault::blocked)});
  auto blocked = s->decide(pipeline_test::image_input(), DecideContext{"eeee"});
  ASSERT_TRUE(blocked) << blocked.error().detail;
  EXPECT_EQ(blocked->decision.route, Route::human_review) << "not the local rules' guess";
  EXPECT_EQ(decide_outcome(blocked->decision, Thresholds{}), Outcome::review);
  EXPECT_NE(blocked->fallback_reason.find("blocked"), std::string::npos);
  EXPECT_NE(blocked->fallback_reason.find("PROHIBITED_CONTENT"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 2u) << "never retried";
  auto next = s->decide(pipeline_test::image_input(), DecideContext{"eeee"});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->backend, "gemini") << "the review answer was not cached";
}

}  // namespace
}  // namespace pipeline

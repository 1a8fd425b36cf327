// The gemini backend driven through the real curl client against the fake's native API in strict
// mode over loopback, one fault at a time: the same retries, pauses, parking and breaker as the
// openai backend, Google's error shapes, refusals as typed errors, and cost by modality. Waits
// are read from the fake clock, never from wall time.

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "pipeline/model/curl_llm_client.h"
#include "pipeline/model/gemini_wire.h"
#include "pipeline/model/provider_backend.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_gemini_replies.h"
#include "tests/fakes/fake_llm_client.h"
#include "tests/fakes/fake_model_server.h"
#include "tests/pipeline/model/provider_backend_fixture.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline {
namespace {

using fakes::Fault;
using fakes::ScriptedReply;
using nlohmann::json;
using std::chrono::milliseconds;

const std::string k_key = "gemini-test-key-0123456789";

class GeminiBackendTest : public pipeline_test::ProviderBackendFixture {
 protected:
  GeminiBackendTest() : ProviderBackendFixture(strict_options()) {}

  static fakes::FakeServerOptions strict_options() {
    fakes::FakeServerOptions options;
    options.strict = true;
    options.cached_tokens = 0;
    return options;
  }

  ProviderSettings settings() override {
    ProviderSettings s = common_settings();
    s.wire = WireSettings{WireKind::gemini, MediaResolution::low};
    s.base_url = m_server.root_url();
    s.api_key = k_key;
    return s;
  }
};

TEST_F(GeminiBackendTest, decides_through_the_native_api_with_the_key_only_in_its_header) {
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->decision.category, "photo");
  EXPECT_EQ(answer->backend, "gemini");
  EXPECT_EQ(b->name(), "gemini");
  EXPECT_EQ(answer->request_id, "fake-0");
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1beta/models/gemini-2.5-flash-lite:generateContent");
  EXPECT_EQ(requests[0].api_key, k_key);
  EXPECT_TRUE(requests[0].authorization.empty());
  EXPECT_EQ(requests[0].target.find(k_key), std::string::npos);
  EXPECT_EQ(requests[0].body.find(k_key), std::string::npos);
}

TEST_F(GeminiBackendTest, prices_each_modality_as_the_reply_counted_it) {
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  const auto counted = fakes::count_gemini_prompt(m_server.requests()[0].body);
  EXPECT_EQ(counted.image, 64) << "one image at MEDIA_RESOLUTION_LOW";
  EXPECT_EQ(answer->usage.prompt_tokens, counted.text + counted.image);
  EXPECT_EQ(answer->usage.completion_tokens, 40);
  const Prices prices;
  const double expected =
      (counted.text * prices.input_text + counted.image * prices.input_image + 40 * prices.output) /
      1e6;
  EXPECT_NEAR(answer->usage.cost_usd, expected, 1e-12);
  EXPECT_DOUBLE_EQ(m_spend->spent_today(), answer->usage.cost_usd);

  auto audio = decide(*b, pipeline_test::audio_input());
  ASSERT_TRUE(audio) << audio.error().detail;
  const auto heard = fakes::count_gemini_prompt(m_server.requests()[1].body);
  EXPECT_NEAR(
      audio->usage.cost_usd,
      (heard.text * prices.input_text + heard.audio * prices.input_audio + 40 * prices.output) /
          1e6,
      1e-12);
}

TEST_F(GeminiBackendTest, every_kind_and_a_repair_pass_the_strict_api) {
  auto b = backend();
  m_server.script({reply(Fault::malformed_json)});
  for (const auto& input :
       {pipeline_test::image_input(), pipeline_test::video_input(), pipeline_test::audio_input(),
        pipeline_test::pdf_input(), pipeline_test::scanned_pdf_input()}) {
    auto answer = decide(*b, input);
    ASSERT_TRUE(answer) << media::to_string(input.kind) << ": " << answer.error().detail;
  }
  EXPECT_EQ(m_server.request_count(), 6u) << "five files, one repaired";
  const json repair = json::parse(m_server.requests()[1].body);
  EXPECT_EQ(repair["contents"].size(), 3u);
  EXPECT_EQ(repair["contents"][1]["role"], "model");
}

TEST_F(GeminiBackendTest, honours_retry_info_on_resource_exhausted) {
  ScriptedReply exhausted = reply(Fault::resource_exhausted);
  exhausted.retry_delay = "3.5s";
  m_server.script({exhausted});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 2);
  EXPECT_EQ(m_clock.sleeps(), std::vector<milliseconds>{milliseconds(3500)});
}

TEST_F(GeminiBackendTest, retries_unavailable_and_internal_but_never_invalid_argument) {
  m_server.script({reply(Fault::unavailable), reply(Fault::internal)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->attempts, 3);

  m_server.script({reply(Fault::invalid_argument)});
  auto refused = decide(*b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::client);
  EXPECT_NE(refused.error().detail.find("INVALID_ARGUMENT"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 4u);
}

TEST_F(GeminiBackendTest, parks_on_a_per_day_quota) {
  m_server.script({reply(Fault::quota_per_day)});
  auto b = backend();
  auto first = decide(*b);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::quota);
  EXPECT_FALSE(decide(*b));
  EXPECT_EQ(m_server.request_count(), 1u) << "a parked quota sends nothing";
}

TEST_F(GeminiBackendTest, a_safety_stop_is_a_blocked_error_never_repaired_or_retried) {
  m_server.script({reply(Fault::safety)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::blocked);
  EXPECT_NE(answer.error().detail.find("SAFETY"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 1u);
  EXPECT_EQ(b->breaker().state(), CircuitState::closed) << "the endpoint is healthy";
}

TEST_F(GeminiBackendTest, a_blocked_prompt_is_a_blocked_error_with_its_reason) {
  m_server.script({reply(Fault::blocked)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::blocked);
  EXPECT_NE(answer.error().detail.find("PROHIBITED_CONTENT"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 1u);
}

TEST_F(GeminiBackendTest, a_cut_off_answer_is_invalid_without_a_repair) {
  m_server.script({reply(Fault::max_tokens)});
  auto b = backend();
  auto answer = decide(*b);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_reply);
  EXPECT_NE(answer.error().detail.find("MAX_TOKENS"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 1u);
}

TEST_F(GeminiBackendTest, never_logs_the_api_key) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::trace);
  m_server.script({reply(Fault::echo_credentials), reply(Fault::unauthorized),
                   reply(Fault::internal), reply(Fault::malformed_json)});
  auto b = backend();
  auto echoed = decide(*b);
  auto rejected = decide(*b);
  (void)decide(*b);
  spdlog::set_default_logger(previous);
  ASSERT_FALSE(echoed);
  EXPECT_EQ(echoed.error().detail.find(k_key), std::string::npos) << echoed.error().detail;
  ASSERT_FALSE(rejected);
  EXPECT_FALSE(log.str().empty());
  EXPECT_EQ(log.str().find(k_key), std::string::npos) << log.str();
}

// Hostile usage numbers, through a fake transport: clamped like the openai path's.
TEST(GeminiReply, claimed_token_counts_are_clamped_and_shares_kept_within_the_whole) {
  const json body{
      {"candidates", {{{"content", {{"parts", {{{"text", "{}"}}}}}}, {"finishReason", "STOP"}}}},
      {"usageMetadata",
       {{"promptTokenCount", 2'147'483'647},
        {"candidatesTokenCount", -5},
        {"thoughtsTokenCount", 99'999'999'999LL},
        {"cachedContentTokenCount", 5'000'000'000LL},
        {"promptTokensDetails",
         {{{"modality", "AUDIO"}, {"tokenCount", 4'000'000'000LL}},
          {{"modality", "IMAGE"}, {"tokenCount", 4'000'000'000LL}}}}}}};
  const WireReply reply = read_gemini_response(body.dump());
  ASSERT_TRUE(reply.usage);
  EXPECT_EQ(reply.usage->prompt_tokens, 100'000'000);
  EXPECT_EQ(reply.usage->completion_tokens, 100'000'000);
  EXPECT_EQ(reply.usage->cached_tokens, 100'000'000);
  ASSERT_TRUE(reply.audio_share && reply.image_share);
  EXPECT_LE(*reply.audio_share + *reply.image_share, 1.0 + 1e-9);
  EXPECT_GE(cost_usd(*reply.usage, PromptMix{*reply.audio_share, *reply.image_share}, Prices{}), 0);
}

TEST(GeminiReply, reads_the_text_of_every_part_but_thoughts) {
  const json body{{"candidates",
                   {{{"content",
                      {{"parts",
                        {{{"text", "thinking..."}, {"thought", true}},
                         {{"text", R"({"a":)"}},
                         {{"text", "1}"}}}}}},
                     {"finishReason", "STOP"}}}},
                  {"responseId", "r-1"}};
  const WireReply reply = read_gemini_response(body.dump());
  EXPECT_EQ(reply.error, "");
  EXPECT_EQ(reply.content, R"({"a":1})");
  EXPECT_EQ(reply.id, "r-1");
  EXPECT_FALSE(reply.usage);

  const WireReply hostile = read_gemini_response(
      R"({"candidates":[{"content":{"parts":[{"text":5,"thought":"yes"}]}}]})");
  EXPECT_NE(hostile.error, "") << "a field of the wrong type reads as absent, never throws";
}

// Through a fake transport: a 200 whose candidate stopped for a reason not in the list.
TEST(GeminiReply, an_unknown_finish_reason_is_an_invalid_reply) {
  fakes::FakeClock clock;
  fakes::FakeLlmClient client({fakes::http_response(
      200, R"({"candidates":[{"finishReason":"SOMETHING_NEW","content":{"parts":[]}}]})")});
  ProviderSettings s;
  s.wire.kind = WireKind::gemini;
  s.base_url = "http://127.0.0.1:9";
  s.request.model = "m";
  ProviderBackend backend(s, default_taxonomy(),
                          ProviderPorts{client, clock, nullptr, [] { return 0.5; }});
  auto answer = backend.decide(pipeline_test::image_input(), DecideContext{});
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::invalid_reply);
  EXPECT_EQ(client.requests.size(), 1u);
}

}  // namespace
}  // namespace pipeline

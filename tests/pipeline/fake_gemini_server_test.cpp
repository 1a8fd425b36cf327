// The fake's Gemini routes over loopback: strict mode refuses what the real API refuses, each
// fault comes back in Google's shape, and a batch runs, finishes and answers by metadata key.

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "pipeline/model/retry_policy.h"
#include "tests/fakes/fake_model_server.h"
#include "tests/fakes/gemini_request_check.h"
#include "tests/temp_dir.h"

namespace fakes {
namespace {

using nlohmann::json;

const char* k_valid_request =
    R"({"contents":[{"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]}],)"
    R"("generationConfig":{"responseMimeType":"application/json","mediaResolution":"MEDIA_RESOLUTION_LOW",)"
    R"("thinkingConfig":{"thinkingBudget":0}}})";

struct Exchange {
  int status = 0;
  json body;
};

Exchange post(FakeModelServer& server, const std::string& path, const std::string& body,
              const std::string& key = "test-key-123456") {
  httplib::Client client("127.0.0.1", server.port());
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("x-goog-api-key", key);
  auto result = client.Post(path, headers, body, "application/json");
  if (!result) return {};
  return {result->status, json::parse(result->body, nullptr, false)};
}

Exchange get(FakeModelServer& server, const std::string& path) {
  httplib::Client client("127.0.0.1", server.port());
  auto result = client.Get(path, httplib::Headers{{"x-goog-api-key", "test-key-123456"}});
  if (!result) return {};
  return {result->status, json::parse(result->body, nullptr, false)};
}

ScriptedReply scripted(Fault fault, std::string content = "") {
  ScriptedReply reply;
  reply.fault = fault;
  reply.content = std::move(content);
  return reply;
}

const std::string k_generate = "/v1beta/models/gemini-2.5-flash-lite:generateContent";

TEST(FakeGeminiServer, strict_mode_refuses_an_unknown_field_as_the_api_does) {
  FakeServerOptions options;
  options.strict = true;
  FakeModelServer server(options);
  ASSERT_TRUE(server.start());
  json request = json::parse(k_valid_request);
  EXPECT_EQ(post(server, k_generate, request.dump()).status, 200);

  request["generationConfig"]["response_format"] = "json";
  const Exchange refused = post(server, k_generate, request.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body["error"]["status"], "INVALID_ARGUMENT");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find(
                "Invalid JSON payload received. Unknown name \"response_format\" at "
                "'generationConfig'"),
            std::string::npos)
      << refused.body.dump();

  json bad_enum = json::parse(k_valid_request);
  bad_enum["generationConfig"]["mediaResolution"] = "LOW";
  EXPECT_EQ(post(server, k_generate, bad_enum.dump()).status, 400);

  json both = json::parse(k_valid_request);
  both["generationConfig"]["responseSchema"] = {{"type", "OBJECT"}};
  both["generationConfig"]["responseJsonSchema"] = {{"type", "object"}};
  EXPECT_EQ(post(server, k_generate, both.dump()).status, 400);

  EXPECT_EQ(post(server, k_generate, k_valid_request, "").status, 403) << "a key is required";
}

TEST(FakeGeminiServer, faults_come_back_in_googles_shape) {
  FakeModelServer server;
  ASSERT_TRUE(server.start());
  ScriptedReply exhausted_reply = scripted(Fault::resource_exhausted);
  exhausted_reply.retry_delay = "7s";
  server.script({exhausted_reply, scripted(Fault::unavailable), scripted(Fault::internal),
                 scripted(Fault::invalid_argument), scripted(Fault::safety),
                 scripted(Fault::max_tokens), scripted(Fault::blocked), scripted(Fault::none)});
  const Exchange exhausted = post(server, k_generate, k_valid_request);
  EXPECT_EQ(exhausted.status, 429);
  EXPECT_EQ(exhausted.body["error"]["status"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(pipeline::parse_retry_info(exhausted.body.dump()), std::chrono::milliseconds(7000));
  EXPECT_EQ(post(server, k_generate, k_valid_request).body["error"]["status"], "UNAVAILABLE");
  EXPECT_EQ(post(server, k_generate, k_valid_request).body["error"]["status"], "INTERNAL");
  EXPECT_EQ(post(server, k_generate, k_valid_request).body["error"]["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(post(server, k_generate, k_valid_request).body["candidates"][0]["finishReason"],
            "SAFETY");
  EXPECT_EQ(post(server, k_generate, k_valid_request).body["candidates"][0]["finishReason"],
            "MAX_TOKENS");
  const Exchange blocked = post(server, k_generate, k_valid_request);
  EXPECT_FALSE(blocked.body.contains("candidates"));
  EXPECT_EQ(blocked.body["promptFeedback"]["blockReason"], "PROHIBITED_CONTENT");

  const Exchange ok = post(server, k_generate, k_valid_request);
  EXPECT_EQ(ok.body["candidates"][0]["finishReason"], "STOP");
  const json usage = ok.body["usageMetadata"];
  EXPECT_EQ(usage["promptTokensDetails"][1]["modality"], "IMAGE");
  EXPECT_EQ(usage["promptTokensDetails"][1]["tokenCount"], 64) << "an image at LOW is 64 tokens";
  const auto recorded = server.requests();
  EXPECT_EQ(recorded.back().api_key, "test-key-123456");
  EXPECT_EQ(recorded.back().target, k_generate);
}

TEST(FakeGeminiServer, a_batch_runs_then_answers_each_request_by_its_key) {
  FakeServerOptions options;
  options.strict = true;
  options.batch_polls = 2;
  FakeModelServer server(options);
  ASSERT_TRUE(server.start());
  server.script({scripted(Fault::none, R"({"category":"invoice"})"), scripted(Fault::internal)});
  json batch;
  batch["batch"]["displayName"] = "siftd";
  for (const std::string key : {"a", "b"}) {
    batch["batch"]["inputConfig"]["requests"]["requests"].push_back(
        {{"request", json::parse(k_valid_request)}, {"metadata", {{"key", key}}}});
  }
  const Exchange created =
      post(server, "/v1beta/models/gemini-2.5-flash-lite:batchGenerateContent", batch.dump());
  ASSERT_EQ(created.status, 200) << created.body.dump();
  const std::string name = created.body["name"];
  EXPECT_EQ(created.body["metadata"]["state"], "BATCH_STATE_PENDING");
  EXPECT_EQ(get(server, "/v1beta/" + name).body["metadata"]["state"], "BATCH_STATE_RUNNING");
  EXPECT_EQ(get(server, "/v1beta/" + name).body["metadata"]["state"], "BATCH_STATE_RUNNING");
  const Exchange done = get(server, "/v1beta/" + name);
  EXPECT_EQ(done.body["done"], true);
  EXPECT_EQ(done.body["metadata"]["state"], "BATCH_STATE_SUCCEEDED");
  const json entries = done.body["response"]["inlinedResponses"]["inlinedResponses"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["metadata"]["key"], "b") << "reverse order: keys, not positions";
  EXPECT_EQ(entries[0]["error"]["status"], "INTERNAL");
  EXPECT_EQ(entries[1]["metadata"]["key"], "a");
  EXPECT_EQ(entries[1]["response"]["candidates"][0]["content"]["parts"][0]["text"],
            R"({"category":"invoice"})");
  EXPECT_EQ(get(server, "/v1beta/batches/nope").status, 404);

  batch["batch"]["inputConfig"]["requests"]["requests"][0]["request"]["model_version"] = "x";
  EXPECT_EQ(post(server, "/v1beta/models/m:batchGenerateContent", batch.dump()).status, 400);
}

TEST(FakeGeminiServer, an_expired_batch_has_no_responses) {
  FakeModelServer server;
  ASSERT_TRUE(server.start());
  server.script({scripted(Fault::batch_expired)});
  json batch;
  batch["batch"]["inputConfig"]["requests"]["requests"] =
      json::array({{{"request", json::parse(k_valid_request)}, {"metadata", {{"key", "a"}}}}});
  const std::string name =
      post(server, "/v1beta/models/m:batchGenerateContent", batch.dump()).body["name"];
  get(server, "/v1beta/" + name);
  const Exchange done = get(server, "/v1beta/" + name);
  EXPECT_EQ(done.body["metadata"]["state"], "BATCH_STATE_EXPIRED");
  EXPECT_FALSE(done.body.contains("response"));
}

TEST(GeminiFieldLists, refuses_a_list_naming_an_undefined_type) {
  siftd_test::TempDir dir;
  siftd_test::write_file(dir / "fields.txt", "Outer: inner:Missing\n");
  std::string error;
  EXPECT_FALSE(GeminiFieldLists::load(dir / "fields.txt", error));
  EXPECT_NE(error.find("Missing"), std::string::npos);
  EXPECT_TRUE(GeminiFieldLists::reference().has_field("GenerationConfig", "mediaResolution"));
  EXPECT_FALSE(GeminiFieldLists::reference().has_field("GenerationConfig", "reasoningEffort"));
}

}  // namespace
}  // namespace fakes

// Every request body the gemini wire format can build, held against the field lists of the
// Gemini API reference (tests/fakes/gemini_api_fields.txt): the real API refuses a request with
// any field it does not define.

#include "pipeline/model/gemini_request_builder.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/model/gemini_wire.h"
#include "tests/fakes/gemini_request_check.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline {
namespace {

using nlohmann::json;

RequestOptions options(std::string effort = "") {
  RequestOptions o;
  o.model = "gemini-2.5-flash-lite";
  o.reasoning_effort = std::move(effort);
  return o;
}

std::vector<media::Normalized> every_kind() {
  return {pipeline_test::image_input(), pipeline_test::video_input(), pipeline_test::audio_input(),
          pipeline_test::pdf_input(), pipeline_test::scanned_pdf_input()};
}

TEST(GeminiRequestBuilder, every_request_it_builds_has_only_fields_the_api_defines) {
  const Prompt prompt(default_taxonomy());
  const auto& lists = fakes::GeminiFieldLists::reference();
  int checked = 0;
  for (const auto resolution :
       {MediaResolution::low, MediaResolution::medium, MediaResolution::high}) {
    const GeminiRequestBuilder builder(prompt, resolution);
    for (const auto& input : every_kind()) {
      for (const std::string effort : {"", "none", "minimal", "low", "medium", "high"}) {
        for (const bool repair : {false, true}) {
          const auto body = builder.build(
              input, options(effort),
              repair ? std::optional<Repair>(Repair{"{\"category\":", "not JSON"}) : std::nullopt);
          ASSERT_TRUE(body) << body.error().detail;
          EXPECT_EQ(lists.check(*body, "GenerateContentRequest"), "")
              << media::to_string(input.kind) << " " << effort << ": " << body->substr(0, 400);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 3 * 5 * 6 * 2);
}

TEST(GeminiRequestBuilder, the_check_catches_a_field_the_api_does_not_define) {
  // The guard above must be able to fail: an OpenAI-only field is refused.
  const Prompt prompt(default_taxonomy());
  json body = json::parse(*GeminiRequestBuilder(prompt, MediaResolution::low)
                               .build(pipeline_test::image_input(), options()));
  body["generationConfig"]["reasoning_effort"] = "low";
  EXPECT_NE(fakes::GeminiFieldLists::reference().check(body.dump(), "GenerateContentRequest"), "");
}

TEST(GeminiRequestBuilder, keeps_the_system_instruction_byte_identical_and_first) {
  const Prompt prompt(default_taxonomy());
  const GeminiRequestBuilder builder(prompt, MediaResolution::low);
  std::string prefix;
  for (const auto& input : every_kind()) {
    const std::string body = *builder.build(input, options());
    const auto user_turn = body.find(R"("contents":)");
    ASSERT_NE(user_turn, std::string::npos);
    if (prefix.empty()) prefix = body.substr(0, user_turn);
    EXPECT_EQ(body.substr(0, user_turn), prefix) << media::to_string(input.kind);
  }
  EXPECT_EQ(prefix.rfind(R"({"systemInstruction":)", 0), 0u);
  EXPECT_NE(prefix.find("Categories:"), std::string::npos);
}

TEST(GeminiRequestBuilder, asks_for_json_under_one_schema_without_thinking_at_low_resolution) {
  const Prompt prompt(default_taxonomy());
  const json body = json::parse(*GeminiRequestBuilder(prompt, MediaResolution::low)
                                     .build(pipeline_test::image_input(), options()));
  const json& config = body["generationConfig"];
  EXPECT_EQ(config["responseMimeType"], "application/json");
  EXPECT_TRUE(config.contains("responseSchema"));
  EXPECT_FALSE(config.contains("responseJsonSchema")) << "never both";
  EXPECT_EQ(config["responseSchema"]["type"], "OBJECT");
  EXPECT_EQ(config["responseSchema"]["propertyOrdering"][0], "category");
  EXPECT_EQ(config["responseSchema"]["properties"]["category"]["type"], "STRING");
  EXPECT_EQ(config["thinkingConfig"]["thinkingBudget"], 0);
  EXPECT_EQ(config["mediaResolution"], "MEDIA_RESOLUTION_LOW");
  EXPECT_EQ(config["maxOutputTokens"], 256);
  EXPECT_EQ(config["temperature"], 0);
  const json high = json::parse(*GeminiRequestBuilder(prompt, MediaResolution::high)
                                     .build(pipeline_test::image_input(), options("medium")));
  EXPECT_EQ(high["generationConfig"]["mediaResolution"], "MEDIA_RESOLUTION_HIGH");
  EXPECT_EQ(high["generationConfig"]["thinkingConfig"]["thinkingBudget"], 8192);
}

TEST(GeminiRequestBuilder, carries_media_as_inline_data_in_one_user_turn) {
  const Prompt prompt(default_taxonomy());
  const json body = json::parse(*GeminiRequestBuilder(prompt, MediaResolution::low)
                                     .build(pipeline_test::video_input(), options()));
  ASSERT_EQ(body["contents"].size(), 1u);
  EXPECT_EQ(body["contents"][0]["role"], "user");
  const json& parts = body["contents"][0]["parts"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_NE(parts[0]["text"].get<std::string>().find("kind: video"), std::string::npos);
  EXPECT_EQ(parts[1]["inlineData"]["mimeType"], "image/jpeg");
  EXPECT_EQ(parts[2]["inlineData"]["mimeType"], "audio/mp3") << "Gemini's name for mpeg audio";
  EXPECT_EQ(parts[2]["inlineData"]["data"], base64("ID3 mp3 bytes"));
}

TEST(GeminiRequestBuilder, refuses_a_format_gemini_does_not_take) {
  const Prompt prompt(default_taxonomy());
  auto input = pipeline_test::audio_input();
  input.parts.front().mime = "audio/x-ms-wma";
  const auto body = GeminiRequestBuilder(prompt, MediaResolution::low).build(input, options());
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, ErrorCode::internal);
}

TEST(GeminiWire, puts_the_key_in_its_header_and_never_in_the_url) {
  const GeminiWire wire(default_taxonomy(), MediaResolution::low);
  const std::string url =
      wire.url("https://generativelanguage.googleapis.com/", "gemini-2.5-flash-lite");
  EXPECT_EQ(url,
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.5-flash-lite:generateContent");
  EXPECT_EQ(wire.url("http://h", "models/gemini-2.5-pro"),
            "http://h/v1beta/models/gemini-2.5-pro:generateContent");
  EXPECT_EQ(wire.key_headers("secret-key-123"),
            std::vector<std::string>{"x-goog-api-key: secret-key-123"});
  EXPECT_TRUE(wire.key_headers("").empty());
}

}  // namespace
}  // namespace pipeline

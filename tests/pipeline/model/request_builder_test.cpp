#include "pipeline/model/request_builder.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/decide/decision.h"
#include "pipeline/decide/decision_schema.h"
#include "tests/pipeline/request_bodies.h"
#include "tests/pipeline/test_inputs.h"

namespace pipeline {
namespace {

using nlohmann::json;

RequestOptions options() {
  return RequestOptions{"gemini-2.5-flash-lite", 0, 256, ""};
}

std::string build(const RequestBuilder& builder, const media::Normalized& input,
                  const std::optional<Repair>& repair = std::nullopt,
                  RequestOptions o = options()) {
  auto body = builder.build(input, o, repair);
  EXPECT_TRUE(body) << body.error().detail;
  pipeline_test::save_request_body(*body);
  return *body;
}

void collect_keywords(const json& schema, std::set<std::string>& keywords) {
  if (!schema.is_object()) return;
  for (const auto& [key, value] : schema.items()) {
    keywords.insert(key);
    if (key == "properties") {
      for (const auto& [name, property] : value.items()) collect_keywords(property, keywords);
    } else if (key == "items") {
      collect_keywords(value, keywords);
    } else if (key == "anyOf") {
      for (const auto& option : value) collect_keywords(option, keywords);
    }
  }
}

TEST(RequestBuilder, keeps_the_prefix_byte_identical_across_files) {
  const RequestBuilder builder(default_taxonomy());
  const json image = json::parse(build(builder, pipeline_test::image_input()));
  const json audio = json::parse(build(builder, pipeline_test::audio_input()));
  EXPECT_EQ(image["messages"][0].dump(), audio["messages"][0].dump());
  EXPECT_EQ(image["response_format"].dump(), audio["response_format"].dump());
  // The stable part comes first in the serialized bytes too.
  const std::string a = build(builder, pipeline_test::image_input());
  const std::string b = build(builder, pipeline_test::pdf_input());
  const auto system_end = a.find(R"({"role":"user")");
  ASSERT_NE(system_end, std::string::npos);
  EXPECT_EQ(a.substr(0, system_end), b.substr(0, system_end));
}

TEST(RequestBuilder, sends_ocr_text_only_when_asked) {
  const RequestBuilder builder(default_taxonomy());
  media::Normalized input = pipeline_test::image_input();
  input.facts.ocr_text = "Access denied: permission error 13.";
  const std::string without = build(builder, input);
  EXPECT_EQ(without.find("Access denied"), std::string::npos) << without;
  EXPECT_NE(without.find("ocr_chars"), std::string::npos) << without;  // the count only
  RequestOptions asked = options();
  asked.send_ocr_text = true;
  const json with = json::parse(build(builder, input, std::nullopt, asked));
  const json& parts = with["messages"][1]["content"];
  EXPECT_EQ(parts.back()["type"], "text");
  EXPECT_EQ(parts.back()["text"],
            "text read in the image (OCR):\nAccess denied: permission error 13.");
}

TEST(RequestBuilder, carries_each_kind_of_part) {
  const RequestBuilder builder(default_taxonomy());
  const json image = json::parse(build(builder, pipeline_test::image_input()));
  const json& image_parts = image["messages"][1]["content"];
  EXPECT_EQ(image_parts[0]["type"], "text");
  EXPECT_EQ(image_parts[1]["type"], "image_url");
  EXPECT_EQ(
      image_parts[1]["image_url"]["url"].get<std::string>().rfind("data:image/jpeg;base64,", 0),
      0u);

  const json audio = json::parse(build(builder, pipeline_test::audio_input()));
  EXPECT_EQ(audio["messages"][1]["content"][1]["type"], "input_audio");
  EXPECT_EQ(audio["messages"][1]["content"][1]["input_audio"]["format"], "wav");

  const json pdf = json::parse(build(builder, pipeline_test::pdf_input()));
  EXPECT_NE(pdf["messages"][1]["content"][1]["text"].get<std::string>().find("INVOICE 42"),
            std::string::npos);
}

TEST(RequestBuilder, refuses_audio_the_api_cannot_carry) {
  const RequestBuilder builder(default_taxonomy());
  auto input = pipeline_test::audio_input();
  input.parts[0].mime = "audio/ogg";
  EXPECT_FALSE(builder.build(input, options()));
}

TEST(RequestBuilder, asks_for_strict_json_schema_with_only_keywords_gemini_accepts) {
  const RequestBuilder builder(default_taxonomy());
  const json body = json::parse(build(builder, pipeline_test::image_input()));
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  std::set<std::string> keywords;
  collect_keywords(body["response_format"]["json_schema"]["schema"], keywords);
  const std::set<std::string> allowed{"type",    "enum",    "properties",  "required", "items",
                                      "minimum", "maximum", "description", "anyOf",    "nullable"};
  for (const auto& keyword : keywords) EXPECT_TRUE(allowed.count(keyword)) << keyword;
  const auto categories =
      body["response_format"]["json_schema"]["schema"]["properties"]["category"]["enum"];
  EXPECT_EQ(categories.size(), default_taxonomy().categories.size());
}

TEST(RequestBuilder, leaves_reasoning_effort_out_unless_configured) {
  const RequestBuilder builder(default_taxonomy());
  EXPECT_FALSE(
      json::parse(build(builder, pipeline_test::image_input())).contains("reasoning_effort"));
  RequestOptions o = options();
  o.reasoning_effort = "low";
  EXPECT_EQ(json::parse(
                build(builder, pipeline_test::image_input(), std::nullopt, o))["reasoning_effort"],
            "low");
}

TEST(RequestBuilder, appends_the_repair_after_the_stable_prefix) {
  const RequestBuilder builder(default_taxonomy());
  const json body = json::parse(
      build(builder, pipeline_test::image_input(), Repair{"{bad", "the reply is not JSON"}));
  ASSERT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["messages"][2]["role"], "assistant");
  EXPECT_NE(body["messages"][3]["content"].get<std::string>().find("the reply is not JSON"),
            std::string::npos);
}

TEST(RequestBuilder, versions_the_prompt_by_its_prefix_and_schema) {
  const RequestBuilder a(default_taxonomy());
  const RequestBuilder b(default_taxonomy());
  EXPECT_EQ(a.prompt_version(), b.prompt_version());
  Taxonomy changed = default_taxonomy();
  changed.categories.pop_back();
  EXPECT_NE(RequestBuilder(changed).prompt_version(), a.prompt_version());
}

TEST(DecisionSchema, leaves_fields_out_when_no_category_has_any) {
  Taxonomy bare{{{"photo", "a photo", {}, {}}, {"other", "anything else", {}, {}}}};
  const json schema = json::parse(decision_schema_json(bare));
  EXPECT_FALSE(schema["properties"].contains("fields"));
  EXPECT_TRUE(parse_decision(
      R"({"category":"photo","confidence":1,"route":"accept","summary":"x"})", bare));
}

TEST(DecisionSchema, requires_no_extraction_field_so_a_reply_carries_no_nulls) {
  const json schema = json::parse(decision_schema_json(default_taxonomy()));
  const json& fields = schema["properties"]["fields"];
  ASSERT_TRUE(fields["properties"].contains("vendor"));
  EXPECT_FALSE(fields.contains("required")) << "no field is asked of every file";
  EXPECT_NE(std::find(schema["required"].begin(), schema["required"].end(), "fields"),
            schema["required"].end());
  // A photo's reply with no fields at all, and an invoice's with only some, are valid.
  EXPECT_TRUE(parse_decision(
      R"({"category":"photo","confidence":1,"route":"accept","summary":"x","fields":{}})",
      default_taxonomy()));
  EXPECT_TRUE(parse_decision(R"({"category":"invoice","confidence":1,"route":"accept",)"
                             R"("summary":"x","fields":{"vendor":"ACME"}})",
                             default_taxonomy()));
}

}  // namespace
}  // namespace pipeline

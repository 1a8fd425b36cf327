#include "pipeline/decide/decision.h"

#include <gtest/gtest.h>

#include "pipeline/decide/policy.h"

namespace pipeline {
namespace {

std::string reply(const std::string& category, const std::string& rest = R"("fields":{})") {
  return R"({"category":")" + category + R"(","confidence":0.9,"route":"accept","summary":"s",)" +
         rest + "}";
}

TEST(Decision, accepts_a_reply_that_follows_the_schema) {
  auto decision = parse_decision(
      reply("invoice", R"("fields":{"total_amount":12.5,"vendor":null})"), default_taxonomy());
  ASSERT_TRUE(decision) << decision.error().detail;
  EXPECT_EQ(decision->category, "invoice");
  EXPECT_EQ(std::get<double>(decision->fields.at("total_amount")), 12.5);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(decision->fields.at("vendor")));
}

TEST(Decision, refuses_categories_outside_the_taxonomy_whatever_they_look_like) {
  for (const std::string category : {"../../etc", "/etc/passwd", "photo/../../x", "..", ".",
                                     "Photo", "photo ", "", "_review", "weapons"}) {
    auto decision = parse_decision(reply(category), default_taxonomy());
    ASSERT_FALSE(decision) << "'" << category << "' was accepted";
    EXPECT_EQ(decision.error().code, ErrorCode::invalid_reply);
  }
}

TEST(Decision, refuses_replies_that_break_the_schema) {
  const Taxonomy taxonomy = default_taxonomy();
  for (
      const std::string& text : {
          std::string("not json"),
          std::string("[1,2]"),
          std::string(
              R"({"category":"photo","confidence":1.5,"route":"accept","summary":"s","fields":{}})"),
          std::string(
              R"({"category":"photo","confidence":-0.1,"route":"accept","summary":"s","fields":{}})"),
          std::string(
              R"({"category":"photo","confidence":"high","route":"accept","summary":"s","fields":{}})"),
          std::string(
              R"({"category":"photo","confidence":0.5,"route":"maybe","summary":"s","fields":{}})"),
          std::string(R"({"category":"photo","confidence":0.5,"route":"accept","fields":{}})"),
          std::string(R"({"category":"photo","confidence":0.5,"route":"accept","summary":"s"})"),
          std::string(
              R"({"category":"photo","confidence":0.5,"route":"accept","summary":"s","fields":{"path":"/x"}})"),
          std::string(
              R"({"category":"invoice","confidence":0.5,"route":"accept","summary":"s","fields":{"total_amount":"12"}})"),
      }) {
    EXPECT_FALSE(parse_decision(text, taxonomy)) << text;
  }
}

TEST(Decision, caps_a_long_summary) {
  auto decision = parse_decision(
      R"({"category":"photo","confidence":0.5,"route":"accept","fields":{},"summary":")" +
          std::string(5000, 'a') + "\"}",
      default_taxonomy());
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->summary.size(), k_max_summary_chars);
}

TEST(Decision, round_trips_through_its_json_form) {
  auto decision = parse_decision(reply("receipt", R"("fields":{"vendor":"Shop","total_amount":3})"),
                                 default_taxonomy());
  ASSERT_TRUE(decision);
  auto again = parse_decision(to_json(*decision), default_taxonomy());
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again), to_json(*decision));
}

TEST(Taxonomy, allows_only_names_that_are_one_safe_path_component) {
  for (const std::string name : {"photo", "screenshot_error", "a-b", "x1"})
    EXPECT_TRUE(is_valid_category_name(name));
  for (const std::string& name : std::vector<std::string>{
           "", "..", ".", "../x", "a/b", "_review", "-x", "Photo", "a b", std::string(65, 'a')}) {
    EXPECT_FALSE(is_valid_category_name(name)) << name;
  }
}

TEST(Policy, turns_confidence_and_route_into_an_outcome) {
  const Thresholds thresholds{0.6, 0.3};
  Decision decision;
  decision.route = Route::accept;
  decision.confidence = 0.9;
  EXPECT_EQ(decide_outcome(decision, thresholds), Outcome::route);
  decision.confidence = 0.5;
  EXPECT_EQ(decide_outcome(decision, thresholds), Outcome::escalate);
  decision.confidence = 0.1;
  EXPECT_EQ(decide_outcome(decision, thresholds), Outcome::review);
  decision.confidence = 0.9;
  decision.route = Route::use_stronger_model;
  EXPECT_EQ(decide_outcome(decision, thresholds), Outcome::escalate);
  decision.route = Route::human_review;
  EXPECT_EQ(decide_outcome(decision, thresholds), Outcome::review);
}

TEST(Decision, cap_fields_cuts_only_the_text_fields_longer_than_the_cap) {
  Decision decision;
  decision.fields = {{"vendor", FieldValue{std::string(5000, 'v')}},
                     {"currency", FieldValue{std::string("EUR")}},
                     {"total_amount", FieldValue{12.5}}};
  EXPECT_EQ(cap_fields(decision, 100), 1);
  EXPECT_LE(std::get<std::string>(decision.fields["vendor"]).size(), 100u);
  EXPECT_EQ(std::get<std::string>(decision.fields["currency"]), "EUR");
  EXPECT_EQ(std::get<double>(decision.fields["total_amount"]), 12.5);
}

}  // namespace
}  // namespace pipeline

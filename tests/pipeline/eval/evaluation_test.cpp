#include "pipeline/eval/evaluation.h"

#include <gtest/gtest.h>

using pipeline::EvalItem;

namespace {

constexpr auto k_route = pipeline::Outcome::route;
constexpr auto k_escalate = pipeline::Outcome::escalate;
constexpr auto k_review = pipeline::Outcome::review;
constexpr auto k_quarantined = pipeline::Outcome::quarantined;

EvalItem item(std::string expected, std::string decided, pipeline::Outcome outcome,
              double decide_ms, double cost = 0, int prompt = 0, int completion = 0) {
  EvalItem i;
  i.file = expected + "-" + decided;
  i.expected_category = std::move(expected);
  i.expected_route = pipeline::Outcome::route;
  i.category = std::move(decided);
  i.first_category = i.category;
  i.outcome = outcome;
  i.decide_ms = decide_ms;
  i.normalize_ms = decide_ms / 10;
  i.usage.cost_usd = cost;
  i.usage.prompt_tokens = prompt;
  i.usage.completion_tokens = completion;
  i.token_estimate = prompt;
  return i;
}

// Ten files: 7 right; one failed; three escalated, two of which the first tier had wrong.
std::vector<EvalItem> hand_made_set() {
  std::vector<EvalItem> items{
      item("invoice", "invoice", k_route, 10, 0.001, 300, 20),
      item("invoice", "invoice", k_route, 20, 0.001, 300, 20),
      item("invoice", "receipt", k_route, 30, 0.001, 300, 20),
      item("receipt", "receipt", k_route, 40, 0.001, 300, 20),
      item("receipt", "invoice", k_escalate, 50, 0.002, 300, 20),
      item("photo", "photo", k_route, 60, 0.001, 300, 20),
      item("photo", "photo", k_review, 70, 0.001, 300, 20),
      item("photo", "photo", k_route, 80, 0.001, 300, 20),
      item("video", "video", k_route, 90, 0.001, 300, 20),
      item("video", "", k_quarantined, 0),
  };
  // A cascade fixed this one: the first tier said receipt, the second invoice.
  items[1].first_category = "receipt";
  items[1].asked_stronger = true;
  items[9].error = "normalize: corrupt: broken";
  items[8].fell_back = true;
  return items;
}

}  // namespace

TEST(Evaluation, computes_exact_metrics_on_a_hand_made_set) {
  const auto m = pipeline::compute_metrics(hand_made_set(),
                                           {"invoice", "receipt", "document", "photo", "video"});
  EXPECT_EQ(m.files, 10);
  EXPECT_EQ(m.correct, 7);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.7);
  EXPECT_EQ(m.failed, 1);
  EXPECT_EQ(m.fallbacks, 1);
  EXPECT_EQ(m.route_matches, 7);
  // Escalated: the cascade (#1), the escalate (#4) and the review (#6); wrong at first: #1, #4.
  EXPECT_EQ(m.escalated, 3);
  EXPECT_DOUBLE_EQ(m.escalation_rate, 0.3);
  EXPECT_EQ(m.escalated_first_wrong, 2);
  EXPECT_DOUBLE_EQ(m.abstention_quality, 2.0 / 3.0);
  EXPECT_EQ(m.routed, 6);
  EXPECT_EQ(m.routed_correct, 5);

  // "document" never occurs, so it gets no row; "failed" comes last.
  EXPECT_EQ(m.labels, (std::vector<std::string>{"invoice", "receipt", "photo", "video", "failed"}));
  const std::vector<std::vector<int>> expected{
      {2, 1, 0, 0, 0}, {1, 1, 0, 0, 0}, {0, 0, 3, 0, 0}, {0, 0, 0, 1, 1}, {0, 0, 0, 0, 0},
  };
  EXPECT_EQ(m.confusion, expected);

  ASSERT_EQ(m.categories.size(), 4u);
  EXPECT_EQ(m.categories[0].category, "invoice");
  EXPECT_EQ(m.categories[0].support, 3);
  EXPECT_EQ(m.categories[0].predicted, 3);
  EXPECT_DOUBLE_EQ(m.categories[0].precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.categories[0].recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.categories[1].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.categories[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.categories[3].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.categories[3].recall, 0.5);

  // Nearest rank over the 9 decided files (10..90 ms) and all 10 normalized (0..9 ms).
  EXPECT_DOUBLE_EQ(m.decide_ms.p50, 50);
  EXPECT_DOUBLE_EQ(m.decide_ms.p95, 90);
  EXPECT_DOUBLE_EQ(m.normalize_ms.p50, 4);
  EXPECT_DOUBLE_EQ(m.normalize_ms.p95, 9);

  EXPECT_EQ(m.prompt_tokens, 2700);
  EXPECT_EQ(m.completion_tokens, 180);
  EXPECT_NEAR(m.cost_usd, 0.010, 1e-12);
  EXPECT_DOUBLE_EQ(m.tokens_per_file, 288);
  EXPECT_NEAR(m.cost_per_file, 0.001, 1e-12);
  EXPECT_NEAR(m.cost_per_success, 0.010 / 7, 1e-12);
  EXPECT_NEAR(m.tokens_per_success, 2880.0 / 7, 1e-9);
}

TEST(Evaluation, an_empty_set_gives_zeros_not_nans) {
  const auto m = pipeline::compute_metrics({});
  EXPECT_EQ(m.files, 0);
  EXPECT_EQ(m.accuracy, 0);
  EXPECT_EQ(m.cost_per_success, 0);
  EXPECT_TRUE(m.labels.empty());
}

TEST(Evaluation, percentile_is_nearest_rank) {
  EXPECT_EQ(pipeline::percentile({}, 50), 0);
  EXPECT_EQ(pipeline::percentile({5}, 95), 5);
  EXPECT_EQ(pipeline::percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(pipeline::percentile({4, 1, 3, 2}, 95), 4);
  EXPECT_EQ(pipeline::percentile({4, 1, 3, 2}, 0), 1);
}

TEST(Evaluation, parses_labels_by_header_name) {
  const auto labels = pipeline::parse_labels(
      "expected_route,file,expected_category,note\r\nreview,\"a, "
      "b.png\",screenshot,x\n,c.pdf,invoice\n");
  ASSERT_TRUE(labels);
  ASSERT_EQ(labels->size(), 2u);
  EXPECT_EQ((*labels)[0].file, "a, b.png");
  EXPECT_EQ((*labels)[0].category, "screenshot");
  EXPECT_EQ((*labels)[0].route, pipeline::Outcome::review);
  EXPECT_EQ((*labels)[1].route, pipeline::Outcome::route) << "an empty route means route";
}

TEST(Evaluation, refuses_labels_without_the_needed_columns) {
  EXPECT_FALSE(pipeline::parse_labels(""));
  EXPECT_FALSE(pipeline::parse_labels("name,category\na.png,photo\n"));
  EXPECT_FALSE(pipeline::parse_labels("file,expected_category\n,photo\n"));
  EXPECT_FALSE(
      pipeline::parse_labels("file,expected_category,expected_route\na.png,photo,accept\n"));
}

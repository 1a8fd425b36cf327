// triage(): the one normalize -> ask -> decide step that run, once and eval share.
#include "pipeline/triage.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_backend.h"
#include "tests/fakes/fake_normalizer.h"

namespace pipeline {
namespace {

using fakes::FakeBackend;
using fakes::FakeNormalizer;
using fakes::photo_answer;

TEST(Triage, turns_a_confident_answer_into_a_route_and_passes_the_hash) {
  FakeNormalizer normalizer;
  FakeBackend backend({photo_answer(0.9)});
  const Triaged triaged =
      triage(normalizer, backend, Thresholds{}, TriageRequest{"/in/a.jpg", {"abc"}, {}});
  ASSERT_FALSE(triaged.error);
  EXPECT_EQ(triaged.outcome, Outcome::route);
  ASSERT_TRUE(triaged.answer);
  EXPECT_EQ(triaged.answer->decision.category, "photo");
  ASSERT_TRUE(triaged.normalized);
  EXPECT_EQ(triaged.normalized->kind, media::Kind::image);
  EXPECT_EQ(normalizer.paths, std::vector<std::string>{"/in/a.jpg"});
  ASSERT_EQ(backend.contexts.size(), 1u);
  EXPECT_EQ(backend.contexts.front().sha256, "abc");
}

TEST(Triage, applies_the_thresholds_of_the_configuration) {
  FakeNormalizer normalizer;
  FakeBackend backend({photo_answer(0.5), photo_answer(0.1)});
  const Thresholds thresholds{0.6, 0.3};
  EXPECT_EQ(triage(normalizer, backend, thresholds, {"/a", {}, {}}).outcome, Outcome::escalate);
  EXPECT_EQ(triage(normalizer, backend, thresholds, {"/a", {}, {}}).outcome, Outcome::review);
}

TEST(Triage, a_file_that_does_not_normalize_is_never_asked) {
  FakeNormalizer normalizer;
  normalizer.error = media::Error{media::ErrorCode::corrupt, "bad header"};
  FakeBackend backend;
  const Triaged triaged = triage(normalizer, backend, Thresholds{}, {"/a", {}, {}});
  ASSERT_TRUE(triaged.error);
  EXPECT_EQ(triaged.error->stage, Stage::normalize);
  EXPECT_EQ(triaged.error->code, "corrupt");
  EXPECT_EQ(triaged.error->detail, "bad header");
  EXPECT_FALSE(triaged.normalized);
  EXPECT_EQ(backend.calls, 0);
}

TEST(Triage, a_refused_reply_is_a_decide_error_and_not_parked) {
  FakeNormalizer normalizer;
  FakeBackend backend({fail(ErrorCode::invalid_reply, "not JSON")});
  const Triaged triaged = triage(normalizer, backend, Thresholds{}, {"/a", {}, {}});
  ASSERT_TRUE(triaged.error);
  EXPECT_EQ(triaged.error->stage, Stage::decide);
  EXPECT_EQ(triaged.error->code, "invalid_reply");
  EXPECT_TRUE(triaged.parked.empty());
  EXPECT_TRUE(triaged.normalized) << "what was normalized is still reported";
}

TEST(Triage, quota_spend_caps_and_shutdown_park_the_decision) {
  for (const ErrorCode code : {ErrorCode::quota, ErrorCode::over_budget, ErrorCode::cancelled}) {
    FakeNormalizer normalizer;
    FakeBackend backend({fail(code, "later")});
    const Triaged triaged = triage(normalizer, backend, Thresholds{}, {"/a", {}, {}});
    EXPECT_EQ(triaged.parked, to_string(code));
    EXPECT_FALSE(triaged.outcome);
  }
}

TEST(Triage, stops_before_asking_when_the_normalized_hook_fails) {
  FakeNormalizer normalizer;
  FakeBackend backend;
  int seen = 0;
  const Triaged triaged = triage(normalizer, backend, Thresholds{},
                                 {"/a", {}, [&](const media::Normalized&) -> Result<void> {
                                    ++seen;
                                    return fail(ErrorCode::journal, "disk I/O error");
                                  }});
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(backend.calls, 0) << "nothing is asked (or billed) that was not journaled";
  ASSERT_TRUE(triaged.error);
  EXPECT_EQ(triaged.error->code, "journal");
}

}  // namespace
}  // namespace pipeline

// The JobRunner writes one decision row per decision attempt, after routing, with what went
// in, what came back and where the file went; a file that never reached a backend has none.
#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/job_runner.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"
#include "pipeline/route/folder_sink.h"
#include "tests/fakes/fake_backend.h"
#include "tests/fakes/fake_normalizer.h"
#include "tests/temp_dir.h"

namespace {

using pipeline::Answer;
using pipeline::Result;

Answer photo_answer() {
  Answer answer = fakes::photo_answer();
  answer.backend = "openai";
  answer.model = "flash-lite";
  answer.request_id = "req-9";
  answer.raw_reply = R"({"category":"photo","confidence":0.9})";
  answer.prompt_version = "pv1";
  answer.usage = {600, 400, 40, 0.00012};
  return answer;
}

class JobRunnerDecisions : public ::testing::Test {
 protected:
  void SetUp() override {
    m_journal = std::move(*pipeline::Journal::open(m_dir / "journal.db"));
    m_decisions = std::move(*pipeline::DecisionLog::open(m_journal->path()));
    using pipeline::FolderSink;
    using pipeline::SidecarKind;
    m_sinks.route = std::make_unique<FolderSink>(m_dir / "out/{category}", SidecarKind::decision);
    m_sinks.escalate = std::make_unique<FolderSink>(m_dir / "out/_escalate", SidecarKind::decision);
    m_sinks.review = std::make_unique<FolderSink>(m_dir / "out/_review", SidecarKind::decision);
    m_sinks.failed = std::make_unique<FolderSink>(m_dir / "out/_quarantine", SidecarKind::error);
    std::filesystem::create_directories(m_dir / "work");
    siftd_test::write_file(m_dir / "in/a.jpg", "not really a jpeg");
  }

  std::vector<pipeline::DecisionRow> run(pipeline::Backend& backend) {
    pipeline::JobRunner runner({*m_journal, m_normalizer, backend, m_sinks, m_decisions.get()}, {});
    auto claimed = runner.claim(m_dir / "in/a.jpg", m_dir / "work");
    EXPECT_TRUE(claimed && *claimed);
    runner.run(std::move(**claimed));
    return *m_decisions->since(0);
  }

  siftd_test::TempDir m_dir;
  std::unique_ptr<pipeline::Journal> m_journal;
  std::unique_ptr<pipeline::DecisionLog> m_decisions;
  fakes::FakeNormalizer m_normalizer;
  pipeline::Sinks m_sinks;
};

}  // namespace

TEST_F(JobRunnerDecisions, a_routed_file_gets_one_row_with_input_answer_and_destination) {
  fakes::FakeBackend backend({photo_answer()});
  const auto rows = run(backend);
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows.front();
  EXPECT_EQ(row.path, m_dir / "in/a.jpg");
  EXPECT_EQ(row.sha256.size(), 64u);
  EXPECT_EQ(row.kind, "image");
  EXPECT_NE(row.facts_json.find("1600"), std::string::npos);
  EXPECT_EQ(row.token_estimate, 258);
  EXPECT_EQ(row.naive_tokens, 1032);
  EXPECT_EQ(row.backend, "openai");
  EXPECT_EQ(row.model, "flash-lite");
  EXPECT_EQ(row.request_id, "req-9");
  EXPECT_EQ(row.prompt_version, "pv1");
  EXPECT_EQ(row.raw_reply, photo_answer().raw_reply);
  EXPECT_NE(row.decision_json.find("\"photo\""), std::string::npos);
  EXPECT_EQ(row.outcome, "route");
  EXPECT_EQ(row.destination, m_dir / "out/photo/a.jpg");
  EXPECT_TRUE(std::filesystem::exists(row.destination));
  EXPECT_EQ(row.prompt_tokens, 600);
  EXPECT_EQ(row.cached_tokens, 400);
  EXPECT_EQ(row.completion_tokens, 40);
  EXPECT_DOUBLE_EQ(row.cost_usd, 0.00012);
  EXPECT_TRUE(row.error.empty());
  EXPECT_GT(row.at_ms, 0);
}

TEST_F(JobRunnerDecisions, a_refused_reply_gets_a_row_with_the_error_and_the_quarantine) {
  fakes::FakeBackend backend(
      {pipeline::fail(pipeline::ErrorCode::invalid_reply, "category outside the taxonomy")});
  const auto rows = run(backend);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.front().outcome, "quarantined");
  EXPECT_EQ(rows.front().error, "decide: invalid_reply: category outside the taxonomy");
  EXPECT_EQ(rows.front().destination, m_dir / "out/_quarantine/a.jpg");
  EXPECT_TRUE(rows.front().decision_json.empty());
}

TEST_F(JobRunnerDecisions, a_file_that_never_reached_a_backend_gets_no_row) {
  m_normalizer.error = media::Error{media::ErrorCode::corrupt, "bad header"};
  fakes::FakeBackend backend({photo_answer()});
  EXPECT_TRUE(run(backend).empty());
}

#include "pipeline/journal/decision_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/csv.h"
#include "pipeline/job_runner.h"
#include "pipeline/journal/journal.h"
#include "tests/temp_dir.h"

namespace {

pipeline::DecisionRow sample_row(std::int64_t at_ms) {
  pipeline::DecisionRow row;
  row.at_ms = at_ms;
  row.file_id = 7;
  row.path = "/in/a, \"quoted\"\nname.pdf";
  row.sha256 = std::string(64, 'a');
  row.kind = "pdf";
  row.facts_json = R"({"pages":2,"format":"pdf"})";
  row.token_estimate = 300;
  row.naive_tokens = 1200;
  row.request_id = "req-1";
  row.backend = "openai";
  row.model = "m";
  row.prompt_version = "p1";
  row.raw_reply = "{\"category\": \"invoice\",\n \"confidence\": 0.9}";
  row.decision_json =
      R"({"category":"invoice","confidence":0.9,"route":"accept","summary":"s","fields":{}})";
  row.outcome = "route";
  row.destination = "/out/invoice/a.pdf";
  row.prompt_tokens = 310;
  row.cached_tokens = 200;
  row.completion_tokens = 25;
  row.cost_usd = 0.0000415;
  row.normalize_ms = 12.5;
  row.decide_ms = 340.25;
  row.route_ms = 1.5;
  return row;
}

}  // namespace

TEST(DecisionLog, appends_in_the_journal_database_and_reads_back_since_a_time) {
  siftd_test::TempDir dir;
  auto journal = pipeline::Journal::open(dir / "journal.db");
  ASSERT_TRUE(journal);
  auto log = pipeline::DecisionLog::open((*journal)->path());
  ASSERT_TRUE(log) << log.error().detail;
  auto first = sample_row(1000);
  auto second = sample_row(5000);
  second.outcome = "escalate";
  ASSERT_TRUE((*log)->append(first));
  ASSERT_TRUE((*log)->append(second));
  EXPECT_GT(second.id, first.id);

  auto all = (*log)->since(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].path, first.path);
  EXPECT_EQ((*all)[0].raw_reply, first.raw_reply);
  EXPECT_EQ((*all)[0].cached_tokens, 200);
  EXPECT_DOUBLE_EQ((*all)[0].cost_usd, 0.0000415);
  EXPECT_DOUBLE_EQ((*all)[0].decide_ms, 340.25);
  auto recent = (*log)->since(2000);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].outcome, "escalate");
}

TEST(DecisionLog, csv_has_one_header_and_one_printable_row_per_line) {
  const auto row = sample_row(1'764'300'000'000);
  const auto rows = pipeline::parse_csv(pipeline::decision_csv_header() +
                                        pipeline::to_csv_line(row) + pipeline::to_csv_line(row));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  const auto& header = (*rows)[0];
  for (const auto& line : *rows) EXPECT_EQ(line.size(), header.size());
  const auto column = [&](const std::string& name) {
    return (*rows)[1][static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                               header.begin())];
  };
  // Untrusted text is escaped, so each row is one line a terminal shows as it is.
  EXPECT_EQ(column("path"), "/in/a, \"quoted\"\\nname.pdf");
  EXPECT_EQ(column("raw_reply"), "{\"category\": \"invoice\",\\n \"confidence\": 0.9}");
  EXPECT_EQ(column("category"), "invoice");
  EXPECT_EQ(column("confidence"), "0.900");
  EXPECT_EQ(column("time"), "2025-11-28T03:20:00.000Z");
  EXPECT_EQ(column("cost_usd"), "0.00004150");
  EXPECT_EQ(column("cached_tokens"), "200");
}

TEST(DecisionLog, json_lines_embed_facts_and_decision_as_objects) {
  const auto line = nlohmann::json::parse(pipeline::to_json_line(sample_row(1000)));
  EXPECT_EQ(line["facts"]["pages"], 2);
  EXPECT_EQ(line["decision"]["category"], "invoice");
  EXPECT_EQ(line["tokens"]["naive"], 1200);
  EXPECT_EQ(line["latency_ms"]["route"], 1.5);
  EXPECT_EQ(line["time"], "1970-01-01T00:00:01.000Z");
}

TEST(DecisionLog, a_job_that_asked_no_backend_has_no_row) {
  pipeline::JobReport report;
  report.record.error = pipeline::StageError{pipeline::Stage::normalize, "corrupt", "bad"};
  EXPECT_FALSE(pipeline::decision_row(report));
  report.record.error = pipeline::StageError{pipeline::Stage::decide, "invalid_reply", "not JSON"};
  const auto failed = pipeline::decision_row(report);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error, "decide: invalid_reply: not JSON");
  pipeline::JobReport decided;
  decided.answer = pipeline::Answer{};
  decided.answer->request_id = "r";
  decided.timings.decide_ms = 3;
  const auto row = pipeline::decision_row(decided);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->request_id, "r");
  EXPECT_EQ(row->decide_ms, 3);
}

TEST(DecisionLog, parses_since_as_an_age_or_a_utc_time) {
  const std::int64_t now = 1'764'300'000'000;  // 2025-11-28T03:20:00Z
  EXPECT_EQ(pipeline::parse_since("90s", now), now - 90'000);
  EXPECT_EQ(pipeline::parse_since("15m", now), now - 900'000);
  EXPECT_EQ(pipeline::parse_since("1h", now), now - 3'600'000);
  EXPECT_EQ(pipeline::parse_since("2d", now), now - 172'800'000);
  EXPECT_EQ(pipeline::parse_since("1w", now), now - 604'800'000);
  EXPECT_EQ(pipeline::parse_since("2025-11-28", now), 1'764'288'000'000);
  EXPECT_EQ(pipeline::parse_since("2025-11-28T03:20", now), now);
  EXPECT_EQ(pipeline::parse_since("2025-11-28 03:20:00Z", now), now);
  EXPECT_EQ(pipeline::parse_since("2025-11-28T03:20:30", now), now + 30'000);
  EXPECT_FALSE(pipeline::parse_since("", now));
  EXPECT_FALSE(pipeline::parse_since("h", now));
  EXPECT_FALSE(pipeline::parse_since("1y", now));
  EXPECT_FALSE(pipeline::parse_since("-1h", now));
  EXPECT_FALSE(pipeline::parse_since("2025-13-01", now));
  EXPECT_FALSE(pipeline::parse_since("2025-11-28 nonsense", now));
  EXPECT_FALSE(pipeline::parse_since("yesterday", now));
}

// journal_sync = normal is for the whole database: the decision log's connection once still
// synced every insert fully.
TEST(DecisionLog, takes_the_journals_sync_setting) {
  siftd_test::TempDir dir;
  auto journal = pipeline::Journal::open(dir / "journal.db", pipeline::SyncMode::normal);
  ASSERT_TRUE(journal);
  for (auto sync : {pipeline::SyncMode::normal, pipeline::SyncMode::full}) {
    auto log = pipeline::DecisionLog::open((*journal)->path(), sync);
    ASSERT_TRUE(log) << log.error().detail;
    auto mode = (*log)->sync_mode();
    ASSERT_TRUE(mode) << mode.error().detail;
    EXPECT_EQ(*mode, sync);
  }
}

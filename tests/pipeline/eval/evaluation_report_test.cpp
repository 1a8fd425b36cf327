#include "pipeline/eval/evaluation_report.h"

#include <gtest/gtest.h>

namespace {

pipeline::EvalRun sample_run(const std::string& name, bool right) {
  pipeline::EvalRun run;
  run.name = name;
  pipeline::EvalItem item;
  item.file = "a<b>.png";
  item.expected_category = "screenshot";
  item.category = right ? "screenshot" : "photo";
  item.outcome = pipeline::Outcome::route;
  item.decide_ms = 12;
  item.usage.prompt_tokens = 258;
  item.usage.cost_usd = 0.00003;
  run.items.push_back(item);
  run.metrics = pipeline::compute_metrics(run.items);
  return run;
}

}  // namespace

TEST(EvaluationReport, html_is_self_contained_with_inline_charts) {
  const auto html = pipeline::render_html({sample_run("a.toml", true)});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Confusion matrix"), std::string::npos);
  EXPECT_NE(html.find("Latency per file"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b&gt;.png"), std::string::npos) << "file names are escaped";
  EXPECT_EQ(html.find("a<b>.png"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find("Accuracy against tokens"), std::string::npos) << "one run: no comparison";
}

TEST(EvaluationReport, two_runs_get_a_comparison) {
  const std::vector runs{sample_run("a.toml", true), sample_run("b.toml", false)};
  EXPECT_NE(pipeline::render_html(runs).find("Accuracy against tokens"), std::string::npos);
  const auto text = pipeline::format_comparison(runs);
  EXPECT_NE(text.find("a.toml"), std::string::npos);
  EXPECT_NE(text.find("100.0%"), std::string::npos);
  EXPECT_NE(text.find("0.0%"), std::string::npos);
  EXPECT_NE(text.find("n/a"), std::string::npos) << "no success: no cost per success";
}

TEST(EvaluationReport, summary_names_every_metric) {
  const auto text = pipeline::format_summary(sample_run("a", true).metrics);
  for (const char* needle : {"accuracy", "escalation rate", "abstention quality", "p95",
                             "per success", "confusion matrix", "screenshot"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
}

TEST(EvaluationReport, failures_name_each_file_and_its_reason_on_one_line) {
  pipeline::EvalRun run = sample_run("local", true);
  EXPECT_EQ(pipeline::format_failures(run), "") << "nothing failed, nothing printed";
  pipeline::EvalItem failed;
  failed.file = "bad\nname.png";
  failed.error = "normalize: timeout: the decode ran past 10000 ms";
  run.items.push_back(failed);
  EXPECT_EQ(pipeline::format_failures(run),
            "\nfailed files (local)\n"
            "  bad\\nname.png  normalize: timeout: the decode ran past 10000 ms\n");
}

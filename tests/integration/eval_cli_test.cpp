// `siftd eval` through the real binary against the fake OpenAI-compatible server: scripted
// answers give exactly known metrics.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/fakes/fake_model_server.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/test_media.h"
#include "tests/temp_dir.h"

namespace {

using siftd_test::run_siftd;
using siftd_test::write_file;

// Single quotes for the shell; test paths hold none.
std::string shell_quoted(const std::string& text) {
  return "'" + text + "'";
}

std::string reply(const std::string& category, double confidence, const std::string& route) {
  return R"({"category":")" + category + R"(","confidence":)" + std::to_string(confidence) +
         R"(,"route":")" + route + R"(","summary":"scripted","fields":{}})";
}

// Five files, answered in order: right and sure; wrong and sure; right but unsure (escalated);
// wrong and very unsure (review); right but asking for a stronger model (escalated).
std::vector<fakes::ScriptedReply> five_answers() {
  return {{fakes::Fault::none, reply("photo", 0.9, "accept")},
          {fakes::Fault::none, reply("receipt", 0.95, "accept")},
          {fakes::Fault::none, reply("screenshot", 0.5, "accept")},
          {fakes::Fault::none, reply("screenshot", 0.2, "accept")},
          {fakes::Fault::none, reply("photo", 0.8, "use_stronger_model")}};
}

class EvalCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_server.start());
    ::setenv("SIFTD_API_KEY", "test-key", 1);
    write_file(m_dir / "set/a.jpg", siftd_test::photo_jpeg(1600, 1200, 1));
    write_file(m_dir / "set/b.jpg", siftd_test::photo_jpeg(1200, 900, 2));
    write_file(m_dir / "set/c.png", siftd_test::screenshot_png(1280, 800));
    write_file(m_dir / "set/d.png", siftd_test::screenshot_png(1366, 768));
    write_file(m_dir / "set/e.jpg", siftd_test::photo_jpeg(800, 600, 3));
    write_file(m_labels,
               "file,expected_category,expected_route\na.jpg,photo,route\nb.jpg,photo,route\n"
               "c.png,screenshot,route\nd.png,screenshot_error,route\ne.jpg,photo,route\n");
    // Equal input prices, so each request costs the same whatever its media:
    // (600 - 400 cached) x 1 + 400 x 0.5 + 40 completion x 2 = 480 per million = $0.00048.
    const std::string config =
        "[daemon]\ninbox = '" + (m_dir / "inbox") + "'\n[model]\nbackend = 'openai'\nbase_url = '" +
        m_server.base_url() +
        "'\nname = 'fake-flash'\nmax_retries = 0\nfallback = 'none'\nprice_input_text = 1.0\n"
        "price_input_image = 1.0\nprice_input_audio = 1.0\nprice_input_cached = 0.5\nprice_output "
        "= 2.0\n";
    write_file(m_config, config);
  }

  siftd_test::TempDir m_dir;
  fakes::FakeModelServer m_server;
  std::string m_labels = m_dir / "set/labels.csv";
  std::string m_config = m_dir / "fake.toml";
};

}  // namespace

TEST_F(EvalCli, scripted_answers_give_exact_metrics_and_a_report) {
  m_server.script(five_answers());
  const std::string report = m_dir / "report.html";
  const auto result = run_siftd("eval --labels " + shell_quoted(m_labels) + " --config " +
                                shell_quoted(m_config) + " --report " + shell_quoted(report));
  ASSERT_EQ(result.status, 0) << result.out;
  EXPECT_EQ(m_server.request_count(), 5u);
  const auto& out = result.out;
  EXPECT_NE(out.find("accuracy            60.0% (3/5)"), std::string::npos) << out;
  EXPECT_NE(out.find("escalation rate     60.0% (3/5)"), std::string::npos) << out;
  EXPECT_NE(out.find("abstention quality  33.3% (of 3 escalated, 1 was wrong at the first tier)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("routed precision    50.0% (of 2 routed, 1 was right)"), std::string::npos)
      << out;
  EXPECT_NE(out.find("tokens              3000 prompt (2000 cached), 200 completion"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("cost                $0.002400 total, $0.000480 per file, $0.000800 per success"),
      std::string::npos)
      << out;
  // Rows expected, columns decided, in the taxonomy's order.
  EXPECT_NE(out.find("  [ 1] receipt               .    .    .    .\n"
                     "  [ 2] screenshot_error      .    .    1    .\n"
                     "  [ 3] screenshot            .    .    1    .\n"
                     "  [ 4] photo                 1    .    .    2\n"),
            std::string::npos)
      << out;
  // What was measured, for whoever finds the report later.
  EXPECT_NE(out.find("siftd " SIFTD_VERSION " evaluation, 20"), std::string::npos) << out;
  EXPECT_NE(out.find("configuration       fake.toml: backend openai, model fake-flash at " +
                     m_server.base_url() + ", accept 0.6, review 0.3"),
            std::string::npos)
      << out;
  const std::string html = siftd_test::read_file(report);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("siftd " SIFTD_VERSION ", 20"), std::string::npos);
  EXPECT_NE(html.find("backend openai, model fake-flash"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(report + ".tmp"));
  // Nothing moved.
  EXPECT_TRUE(std::filesystem::exists(m_dir / "set/a.jpg"));
}

TEST_F(EvalCli, compare_runs_both_configurations_side_by_side) {
  // The first configuration gets the five answers above; the second gets every file right.
  auto answers = five_answers();
  for (const char* category : {"photo", "photo", "screenshot", "screenshot_error", "photo"}) {
    answers.push_back({fakes::Fault::none, reply(category, 0.9, "accept")});
  }
  m_server.script(answers);
  const std::string second = m_dir / "second.toml";
  write_file(second, siftd_test::read_file(m_config));
  const auto result = run_siftd("eval --labels " + shell_quoted(m_labels) + " --compare " +
                                shell_quoted(m_config) + " " + shell_quoted(second));
  ASSERT_EQ(result.status, 0) << result.out;
  EXPECT_EQ(m_server.request_count(), 10u);
  EXPECT_NE(result.out.find("fake.toml"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("second.toml"), std::string::npos) << result.out;
  const auto accuracy = result.out.find("accuracy");
  ASSERT_NE(accuracy, std::string::npos);
  const std::string line = result.out.substr(accuracy, result.out.find('\n', accuracy) - accuracy);
  EXPECT_NE(line.find("60.0%"), std::string::npos) << line;
  EXPECT_NE(line.find("100.0%"), std::string::npos) << line;
}

TEST_F(EvalCli, a_missing_labels_file_is_a_usage_error) {
  EXPECT_EQ(run_siftd("eval --labels " + shell_quoted(m_dir / "nope.csv")).status, 2);
  EXPECT_EQ(run_siftd("eval").status, 2);
}

TEST_F(EvalCli, bad_labels_are_refused_with_their_line_before_any_file_is_asked) {
  // Before: a missing file counted as a failed file, a category outside the taxonomy as a
  // wrong answer, and a missing column exited 1; every other file was asked (and billed).
  write_file(m_labels,
             "file,expected_category\na.jpg,photo\nmissing.jpg,photo\nb.jpg,holiday_snaps\n");
  const auto bad_rows = run_siftd(
      "eval --labels " + shell_quoted(m_labels) + " --config " + shell_quoted(m_config), true);
  EXPECT_EQ(bad_rows.status, 2) << bad_rows.out;
  EXPECT_NE(bad_rows.out.find(m_labels + ":3: no file"), std::string::npos) << bad_rows.out;
  EXPECT_NE(bad_rows.out.find(m_labels + ":4: category \"holiday_snaps\" is not in the taxonomy"),
            std::string::npos)
      << bad_rows.out;

  write_file(m_labels, "file,category\na.jpg,photo\n");
  const auto no_column = run_siftd(
      "eval --labels " + shell_quoted(m_labels) + " --config " + shell_quoted(m_config), true);
  EXPECT_EQ(no_column.status, 2) << no_column.out;
  EXPECT_NE(no_column.out.find(m_labels + ":1: the header must name the columns file and "
                                          "expected_category"),
            std::string::npos)
      << no_column.out;
  EXPECT_EQ(m_server.request_count(), 0u);
}

TEST_F(EvalCli, a_cascade_counts_files_the_first_tier_passed_up_and_whether_it_was_wrong) {
  // Three files. a: the first tier is sure and right. b: unsure and wrong, the stronger model
  // fixes it. c: unsure but right, the stronger model agrees. Five requests in all.
  write_file(m_labels,
             "file,expected_category,expected_route\na.jpg,photo,route\nb.jpg,photo,route\n"
             "c.png,screenshot,route\n");
  write_file(m_config, siftd_test::read_file(m_config) +
                           "escalation_model = 'fake-pro'\nescalation_below = 0.6\n");
  m_server.script({{fakes::Fault::none, reply("photo", 0.9, "accept")},
                   {fakes::Fault::none, reply("receipt", 0.4, "accept")},
                   {fakes::Fault::none, reply("photo", 0.95, "accept")},
                   {fakes::Fault::none, reply("screenshot", 0.5, "accept")},
                   {fakes::Fault::none, reply("screenshot", 0.9, "accept")}});
  const auto result =
      run_siftd("eval --labels " + shell_quoted(m_labels) + " --config " + shell_quoted(m_config));
  ASSERT_EQ(result.status, 0) << result.out;
  EXPECT_EQ(m_server.request_count(), 5u);
  const auto& out = result.out;
  EXPECT_NE(out.find("accuracy            100.0% (3/3)"), std::string::npos) << out;
  EXPECT_NE(out.find("escalation rate     66.7% (2/3)"), std::string::npos) << out;
  EXPECT_NE(out.find("abstention quality  50.0% (of 2 escalated, 1 was wrong at the first tier)"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("cost                $0.002400 total, $0.000800 per file, $0.000800 per success"),
      std::string::npos)
      << out;
}

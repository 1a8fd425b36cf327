// `siftd once` with the openai backend pointed at the fake server: the real binary prints one
// decision per file with tokens, cost and latency; a second run is answered from the cache; a
// server that only breaks the schema leads to the local fallback, never to its category.

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/fake_model_server.h"
#include "tests/pipeline/request_bodies.h"
#include "tests/temp_dir.h"

namespace {

using nlohmann::json;

const std::string k_image = std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/cmyk.jpg";

class OnceOpenAiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(m_server.start());
    siftd_test::write_file(m_dir / "siftd.toml",
                           "[daemon]\ninbox = \"" + (m_dir / "inbox") + "\"\nout = \"" +
                               (m_dir / "sorted") + "\"\n\n[model]\nbackend = \"openai\"\n" +
                               "base_url = \"" + m_server.base_url() + "\"\nmax_retries = 1\n" +
                               "backoff_base_ms = 1\n");
  }
  void TearDown() override { pipeline_test::save_request_bodies(m_server); }

  // Runs the binary and returns its JSON lines.
  std::vector<json> once(const std::string& file) {
    const std::string command = "SIFTD_API_KEY=test-key " + std::string(SIFTD_BINARY) +
                                " once --config " + (m_dir / "siftd.toml") + " " + file +
                                " 2>/dev/null";
    std::vector<json> lines;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return lines;
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    ::pclose(pipe);
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
      lines.push_back(json::parse(line, nullptr, false));
    return lines;
  }

  fakes::FakeModelServer m_server;
  siftd_test::TempDir m_dir;
};

TEST_F(OnceOpenAiTest, prints_the_decision_with_tokens_cost_and_latency_then_reuses_it) {
  auto first = once(k_image);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["backend"], "openai");
  EXPECT_EQ(first[0]["decision"]["category"], "photo");
  EXPECT_EQ(first[0]["tokens"]["prompt"], 600);
  EXPECT_EQ(first[0]["tokens"]["cached"], 400);
  EXPECT_GT(first[0]["cost_usd"].get<double>(), 0);
  EXPECT_GT(first[0]["latency_ms"]["decide"].get<double>(), 0);
  EXPECT_EQ(m_server.requests().at(0).authorization, "Bearer test-key");

  auto second = once(k_image);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["backend"], "cache");
  EXPECT_EQ(m_server.request_count(), 1u);
}

TEST_F(OnceOpenAiTest, falls_back_to_local_when_the_model_leaves_the_taxonomy) {
  fakes::ScriptedReply path;
  path.fault = fakes::Fault::path_category;
  m_server.script({path, path});
  auto lines = once(k_image);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["backend"], "local");
  EXPECT_NE(lines[0]["decision"]["category"], "../../etc");
  EXPECT_NE(lines[0]["fallback_reason"].get<std::string>().find("invalid_reply"),
            std::string::npos);
  EXPECT_EQ(m_server.request_count(), 2u);
}

}  // namespace

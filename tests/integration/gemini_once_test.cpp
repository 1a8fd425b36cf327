// `siftd once --backend gemini` on the real binary against the fake's native API in strict mode
// (a field the API reference does not define would be a 400): every kind decided, a file the
// provider blocks sent to review with the reason, and the key only ever in its header: never in
// a URL, the output or the log, even when the endpoint quotes it back.

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "tests/fakes/fake_model_server.h"

namespace {

using nlohmann::json;

const std::string k_key = "AIzaSy-gemini-once-test-0123456789";

std::string media(const std::string& name) {
  return std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/" + name;
}

fakes::ScriptedReply scripted(fakes::Fault fault, std::string content = "") {
  fakes::ScriptedReply reply;
  reply.fault = fault;
  reply.content = std::move(content);
  return reply;
}

// The environment a child inherits: the key, as the daemon reads it.
class ScopedKey {
 public:
  ScopedKey() { ::setenv("SIFTD_API_KEY", k_key.c_str(), 1); }
  ~ScopedKey() { ::unsetenv("SIFTD_API_KEY"); }
};

}  // namespace

TEST(GeminiOnce, decides_every_kind_through_the_strict_native_api_and_never_leaks_the_key) {
  siftd_test::TempDir dir;
  fakes::FakeServerOptions options;
  options.strict = true;
  fakes::FakeModelServer model(options);
  ASSERT_TRUE(model.start());
  const std::string invoice =
      R"({"category":"invoice","confidence":0.93,"route":"accept","summary":"an invoice",)"
      R"("fields":{"vendor":"ACME","total_amount":120.0,"currency":"EUR","document_date":null}})";
  // In file order: photo, video, audio, text PDF, scanned PDF (blocked), and a photo whose
  // first answer quotes the key back (another image, so the result cache cannot answer it).
  model.script({scripted(fakes::Fault::none), scripted(fakes::Fault::none),
                scripted(fakes::Fault::none), scripted(fakes::Fault::none, invoice),
                scripted(fakes::Fault::blocked), scripted(fakes::Fault::echo_credentials)});
  // A configuration only for where the result cache lives; the backend comes from the flags.
  siftd_test::write_file(dir / "siftd.toml", "[daemon]\ninbox = \"" + (dir / "inbox") +
                                                 "\"\nout = \"" + (dir / "sorted") + "\"\n");
  std::filesystem::create_directories(dir / "inbox");

  const ScopedKey key;
  const auto result = siftd_test::run_siftd(
      "once --config '" + (dir / "siftd.toml") + "' --backend gemini --base-url " +
          model.root_url() + " --model gemini-2.5-flash-lite --log-level debug '" +
          media("cmyk.jpg") + "' '" + media("pattern.mp4") + "' '" + media("tone.mp3") + "' '" +
          media("text.pdf") + "' '" + media("scan.pdf") + "' '" + media("palette.png") +
          "' --allow-fallback",
      /*with_stderr=*/true);
  // The decisions are the JSON lines; the rest is the log. The last file falls back (allowed).
  const std::string& log = result.out;
  EXPECT_EQ(result.status, 0) << result.out << log;

  std::vector<json> lines;
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '{') lines.push_back(json::parse(line));
  }
  ASSERT_EQ(lines.size(), 6u) << result.out;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(lines[i]["backend"], "gemini") << lines[i].dump();
    EXPECT_EQ(lines[i]["model"], "gemini-2.5-flash-lite");
    EXPECT_GT(lines[i]["cost_usd"].get<double>(), 0);
  }
  EXPECT_EQ(lines[0]["kind"], "image");
  EXPECT_EQ(lines[0]["decision"]["category"], "photo");
  EXPECT_EQ(lines[0]["outcome"], "route");
  EXPECT_EQ(lines[1]["kind"], "video");
  EXPECT_EQ(lines[2]["kind"], "audio");
  EXPECT_EQ(lines[3]["decision"]["category"], "invoice");
  EXPECT_EQ(lines[3]["decision"]["fields"]["vendor"], "ACME");
  // Blocked: review, with the provider's reason, never the local rules' guess or quarantine.
  EXPECT_EQ(lines[4]["outcome"], "review") << lines[4].dump();
  EXPECT_EQ(lines[4]["decision"]["route"], "human_review");
  EXPECT_NE(lines[4].dump().find("PROHIBITED_CONTENT"), std::string::npos) << lines[4].dump();
  // The endpoint refused with the key in its error: a client error, the local fallback.
  EXPECT_EQ(lines[5]["backend"], "local") << lines[5].dump();

  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 6u) << "none retried, none refused by the strict API";
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v1beta/models/gemini-2.5-flash-lite:generateContent");
    EXPECT_EQ(request.api_key, k_key) << "the key travels in x-goog-api-key";
    EXPECT_TRUE(request.authorization.empty());
    EXPECT_EQ(request.target.find("key"), std::string::npos);
  }
  EXPECT_NE(log.find("[redacted]"), std::string::npos) << "the quoted key was seen and redacted";
  EXPECT_EQ(log.find(k_key), std::string::npos) << log;
}

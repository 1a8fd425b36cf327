// Model failures are loud on the real binary, against the fake server in both wire formats: a
// refused key or an unknown model stops `run` at start (exit 2, naming the model and the base
// URL, never the key) and fails `check-config --probe`; an endpoint that is down at start only
// degrades the daemon; a key revoked while it runs turns /readyz and `siftd status` degraded
// with the reason; and `siftd once` exits 1 when the fallback decided a file.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "redis_server.h"  // free_port(): a loopback port nothing listens on
#include "test_media.h"
#include "tests/fakes/fake_model_server.h"

namespace {

namespace fs = std::filesystem;
using fakes::Fault;
using siftd_test::logged_http_port;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

const std::string k_key = "sk-model-failures-test-0123456789";
const std::string k_model = "triage-model-7";

struct Wire {
  const char* backend;
  bool gemini;
};

std::string base_url_of(const Wire& wire, const fakes::FakeModelServer& model) {
  return wire.gemini ? model.root_url() : model.base_url();
}

std::string config_text(const siftd_test::TempDir& dir, const Wire& wire,
                        const std::string& base_url, const std::string& model_extra = "") {
  return "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
         "\"\nsettle_ms = 50\n[model]\nbackend = \"" + wire.backend + "\"\nname = \"" + k_model +
         "\"\nbackoff_base_ms = 10\nmax_retries = 1\nbase_url = \"" + base_url + "\"\n" +
         model_extra + "[http]\nlisten = \"127.0.0.1:0\"\n";
}

fakes::ScriptedReply scripted(Fault fault) {
  fakes::ScriptedReply reply;
  reply.fault = fault;
  return reply;
}

class ModelFailures : public testing::TestWithParam<Wire> {
 protected:
  void SetUp() override { ASSERT_TRUE(m_model.start()); }

  std::string base_url() const { return base_url_of(GetParam(), m_model); }

  // `run` against a model whose start-up request draws `fault`: its exit status and log.
  std::pair<int, std::string> run_against(Fault fault) {
    m_model.script({scripted(fault)});
    write_file(m_dir / "siftd.toml", config_text(m_dir, GetParam(), base_url()));
    write_file(m_dir / "inbox/waiting.jpg", siftd_test::photo_jpeg(640, 480, 1));
    siftd_test::DaemonProcess daemon(
        {"run", "--config", m_dir / "siftd.toml", "--log-format", "text"}, m_dir / "log",
        {"SIFTD_API_KEY=" + k_key});
    const int status = daemon.wait_exit(std::chrono::seconds(20));
    if (status < 0) daemon.stop();
    return {status, read_file(m_dir / "log")};
  }

  siftd_test::TempDir m_dir;
  fakes::FakeModelServer m_model;
};

TEST_P(ModelFailures, run_exits_2_at_start_when_the_key_is_refused) {
  const auto [status, log] = run_against(Fault::unauthorized);
  EXPECT_EQ(status, 2) << log;
  EXPECT_NE(log.find("the API key was refused"), std::string::npos) << log;
  EXPECT_NE(log.find(k_model), std::string::npos) << "the model is named\n" << log;
  EXPECT_NE(log.find(base_url()), std::string::npos) << "the base URL is named\n" << log;
  EXPECT_NE(log.find("SIFTD_API_KEY"), std::string::npos) << "what to check\n" << log;
  EXPECT_EQ(log.find(k_key), std::string::npos) << "never the key\n" << log;
  EXPECT_EQ(m_model.request_count(), 1u) << "one probe, no file asked";
  EXPECT_TRUE(fs::exists(m_dir / "inbox/waiting.jpg")) << "no file was taken";
}

TEST_P(ModelFailures, run_exits_2_at_start_when_the_key_may_not_use_the_model) {
  const auto [status, log] = run_against(Fault::forbidden);
  EXPECT_EQ(status, 2) << log;
  EXPECT_NE(log.find("the API key was refused"), std::string::npos) << log;
  EXPECT_EQ(log.find(k_key), std::string::npos) << log;
}

TEST_P(ModelFailures, run_exits_2_at_start_when_the_model_does_not_exist) {
  const auto [status, log] = run_against(Fault::model_not_found);
  EXPECT_EQ(status, 2) << log;
  EXPECT_NE(log.find("no such model"), std::string::npos) << log;
  EXPECT_NE(log.find(k_model), std::string::npos) << log;
  EXPECT_NE(log.find(base_url()), std::string::npos) << log;
  EXPECT_NE(log.find("model.name"), std::string::npos) << "what to check\n" << log;
  EXPECT_EQ(log.find(k_key), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(m_dir / "inbox/waiting.jpg"));
}

TEST_P(ModelFailures, check_config_probe_sends_one_request_and_exits_2_on_a_bad_key_or_model) {
  write_file(m_dir / "siftd.toml", config_text(m_dir, GetParam(), base_url()));
  ::setenv("SIFTD_API_KEY", k_key.c_str(), 1);
  const std::string check = "check-config '" + (m_dir / "siftd.toml") + "'";

  const auto plain = siftd_test::run_siftd(check, /*with_stderr=*/true);
  EXPECT_EQ(plain.status, 0) << plain.out;
  EXPECT_EQ(m_model.request_count(), 0u) << "without --probe nothing is sent";

  const auto good = siftd_test::run_siftd(check + " --probe", true);
  EXPECT_EQ(good.status, 0) << good.out;
  EXPECT_NE(good.out.find(": ok"), std::string::npos) << good.out;
  EXPECT_EQ(m_model.request_count(), 1u);

  m_model.script({scripted(Fault::unauthorized)});
  const auto refused = siftd_test::run_siftd(check + " --probe", true);
  EXPECT_EQ(refused.status, 2) << refused.out;
  EXPECT_NE(refused.out.find("the API key was refused"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find(k_model), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find(k_key), std::string::npos) << refused.out;

  m_model.script({scripted(Fault::model_not_found)});
  const auto unknown = siftd_test::run_siftd(check + " --probe", true);
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("no such model"), std::string::npos) << unknown.out;

  m_model.script({scripted(Fault::server_error)});
  const auto down = siftd_test::run_siftd(check + " --probe", true);
  EXPECT_EQ(down.status, 1) << "not the configuration's fault\n" << down.out;
  ::unsetenv("SIFTD_API_KEY");
}

TEST_P(ModelFailures, run_starts_degraded_when_the_endpoint_is_unreachable) {
  const std::string url = "http://127.0.0.1:" + std::to_string(siftd_test::free_port()) +
                          (GetParam().gemini ? "" : "/v1");
  write_file(m_dir / "siftd.toml", config_text(m_dir, GetParam(), url, "breaker_failures = 0\n"));
  siftd_test::DaemonProcess daemon(
      {"run", "--config", m_dir / "siftd.toml", "--log-format", "text"}, m_dir / "log",
      {"SIFTD_API_KEY=" + k_key});
  ASSERT_TRUE(siftd_test::wait_for_log(m_dir / "log", "watching")) << read_file(m_dir / "log");
  EXPECT_NE(read_file(m_dir / "log").find("starting degraded"), std::string::npos)
      << read_file(m_dir / "log");
  httplib::Client client("127.0.0.1", logged_http_port(read_file(m_dir / "log")));
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("model degraded"), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find("cannot be reached"), std::string::npos) << ready->body;

  write_file(m_dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  EXPECT_TRUE(wait_for([&] { return fs::exists(m_dir / "sorted/photo/a.jpg.siftd.json"); }))
      << "the local fallback sorts meanwhile\n"
      << read_file(m_dir / "log");
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_P(ModelFailures, probe_at_start_false_sends_nothing_at_start) {
  write_file(m_dir / "siftd.toml",
             config_text(m_dir, GetParam(), base_url(), "probe_at_start = false\n"));
  m_model.script({scripted(Fault::unauthorized)});
  siftd_test::DaemonProcess daemon(
      {"run", "--config", m_dir / "siftd.toml", "--log-format", "text"}, m_dir / "log",
      {"SIFTD_API_KEY=" + k_key});
  ASSERT_TRUE(siftd_test::wait_for_log(m_dir / "log", "watching")) << read_file(m_dir / "log");
  EXPECT_EQ(m_model.request_count(), 0u);
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_P(ModelFailures, a_key_revoked_while_running_makes_readyz_and_status_degraded_until_it_works) {
  // The start-up probe passes; the key is then refused for the first file, and works again.
  m_model.script({scripted(Fault::none), scripted(Fault::unauthorized)});
  write_file(m_dir / "siftd.toml", config_text(m_dir, GetParam(), base_url()));
  siftd_test::DaemonProcess daemon(
      {"run", "--config", m_dir / "siftd.toml", "--log-format", "text"}, m_dir / "log",
      {"SIFTD_API_KEY=" + k_key});
  ASSERT_TRUE(siftd_test::wait_for_log(m_dir / "log", "watching")) << read_file(m_dir / "log");
  httplib::Client client("127.0.0.1", logged_http_port(read_file(m_dir / "log")));
  auto before = client.Get("/readyz");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200) << before->body;

  write_file(m_dir / "inbox/a.jpg", siftd_test::photo_jpeg(640, 480, 1));
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_dir / "sorted/photo/a.jpg.siftd.json"); }))
      << read_file(m_dir / "log");
  // The readiness answer: its status and body, or -1 when none came.
  const auto readiness = [&client] {
    auto response = client.Get("/readyz");
    return response ? std::pair{response->status, response->body} : std::pair{-1, std::string()};
  };
  std::pair<int, std::string> ready;
  EXPECT_TRUE(wait_for([&] {
    ready = readiness();
    return ready.first == 503;
  })) << read_file(m_dir / "log");
  EXPECT_NE(ready.second.find("model degraded"), std::string::npos) << ready.second;
  EXPECT_NE(ready.second.find("the API key was refused"), std::string::npos) << ready.second;
  EXPECT_EQ(ready.second.find(k_key), std::string::npos) << ready.second;
  auto state = client.Get("/status");
  ASSERT_TRUE(state);
  EXPECT_NE(nlohmann::json::parse(state->body)["model_degraded"].get<std::string>().find(k_model),
            std::string::npos)
      << state->body;
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siftd_fallbacks_total{reason=\"auth\"} 1"), std::string::npos)
      << metrics->body;

  // `siftd status` reads from disk, and shows what the running daemon said of its model.
  std::string status;
  EXPECT_TRUE(wait_for([&] {
    status = siftd_test::run_siftd("status --config '" + (m_dir / "siftd.toml") + "'").out;
    return status.find("model: degraded") != std::string::npos;
  })) << status;
  EXPECT_NE(status.find("the API key was refused"), std::string::npos) << status;

  // The next answer clears it.
  write_file(m_dir / "inbox/b.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_dir / "sorted/photo/b.jpg.siftd.json"); }))
      << read_file(m_dir / "log");
  EXPECT_TRUE(wait_for([&] {
    ready = readiness();
    return ready.first == 200;
  })) << ready.second;
  EXPECT_TRUE(wait_for([&] {
    status = siftd_test::run_siftd("status --config '" + (m_dir / "siftd.toml") + "'").out;
    return status.find("model:") == std::string::npos;
  })) << status;
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_P(ModelFailures, once_exits_1_when_the_fallback_decided_unless_allowed) {
  write_file(m_dir / "siftd.toml", config_text(m_dir, GetParam(), base_url(), "cache = false\n"));
  const std::string photo = m_dir / "photo.jpg";
  write_file(photo, siftd_test::photo_jpeg(640, 480, 1));
  ::setenv("SIFTD_API_KEY", k_key.c_str(), 1);
  const std::string once = "once --config '" + (m_dir / "siftd.toml") + "' '" + photo + "'";

  const auto answered = siftd_test::run_siftd(once, /*with_stderr=*/true);
  EXPECT_EQ(answered.status, 0) << answered.out;

  m_model.script({scripted(Fault::unauthorized)});
  const auto fell_back = siftd_test::run_siftd(once, true);
  EXPECT_EQ(fell_back.status, 1) << fell_back.out;
  EXPECT_NE(fell_back.out.find("\"fallback_reason\":\"auth: "), std::string::npos) << fell_back.out;
  EXPECT_NE(fell_back.out.find("--allow-fallback"), std::string::npos) << fell_back.out;

  m_model.script({scripted(Fault::unauthorized)});
  const auto allowed = siftd_test::run_siftd(once + " --allow-fallback", true);
  EXPECT_EQ(allowed.status, 0) << allowed.out;
  EXPECT_NE(allowed.out.find("\"fallback_reason\""), std::string::npos) << allowed.out;
  ::unsetenv("SIFTD_API_KEY");
}

INSTANTIATE_TEST_SUITE_P(BothWires, ModelFailures,
                         testing::Values(Wire{"openai", false}, Wire{"gemini", true}),
                         [](const testing::TestParamInfo<Wire>& wire) {
                           return std::string(wire.param.backend);
                         });

}  // namespace

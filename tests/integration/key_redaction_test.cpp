// The API key never leaves the process in anything siftd writes, even when the endpoint quotes
// the request's headers back in an error body and the model repeats them in its summary: the
// real binary, then every byte it left behind (log, sidecars, journal, decision log, cache).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"
#include "tests/fakes/fake_model_server.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

const std::string k_key = "sk-test-9f8e7d6c5b4a39281706";
const std::string k_goog_key = "AIzaSyTest-goog-0123456789";

}  // namespace

TEST(KeyRedaction, an_endpoint_echoing_the_key_leaves_it_in_no_log_sidecar_or_database) {
  siftd_test::TempDir dir;
  fakes::FakeModelServer model;
  ASSERT_TRUE(model.start());
  fakes::ScriptedReply echo;
  echo.fault = fakes::Fault::echo_credentials;
  fakes::ScriptedReply repeats;
  repeats.content = nlohmann::json{{"category", "photo"},
                                   {"confidence", 0.95},
                                   {"route", "accept"},
                                   {"summary", "sent with Authorization: Bearer " + k_key +
                                                   " and x-goog-api-key: " + k_goog_key},
                                   {"fields", nlohmann::json::object()}}
                        .dump();
  model.script({echo, repeats});
  const std::string config = dir / "siftd.toml";
  write_file(config, "[daemon]\ninbox = \"" + (dir / "run/inbox") + "\"\nout = \"" +
                         (dir / "run/sorted") +
                         "\"\nsettle_ms = 50\n[model]\nbackend = \"openai\"\nprobe_at_start = "
                         "false\nbase_url = \"" +
                         model.base_url() +
                         "\"\nfallback = \"none\"\n[model.extra_headers]\n\"x-goog-api-key\" = \"" +
                         k_goog_key + "\"\n");
  fs::create_directories(dir / "run");
  {
    siftd_test::DaemonProcess daemon({"run", "--config", config, "--log-format", "text"},
                                     dir / "run/siftd.log", {"SIFTD_API_KEY=" + k_key});
    ASSERT_TRUE(wait_for([&] {
      return read_file(dir / "run/siftd.log").find("watching") != std::string::npos;
    })) << read_file(dir / "run/siftd.log");
    write_file(dir / "run/inbox/rejected.jpg", siftd_test::photo_jpeg(640, 480, 1));
    ASSERT_TRUE(wait_for([&] {
      return fs::exists(dir / "run/sorted/_quarantine/rejected.jpg.error.json");
    })) << read_file(dir / "run/siftd.log");
    write_file(dir / "run/inbox/answered.jpg", siftd_test::photo_jpeg(640, 480, 2));
    ASSERT_TRUE(wait_for([&] {
      return fs::exists(dir / "run/sorted/photo/answered.jpg.siftd.json");
    })) << read_file(dir / "run/siftd.log");
    daemon.signal(SIGTERM);
    ASSERT_EQ(daemon.wait_exit(), 0);
  }
  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].authorization, "Bearer " + k_key) << "the key was sent, as it must be";

  const std::string sidecar = read_file(dir / "run/sorted/_quarantine/rejected.jpg.error.json");
  EXPECT_NE(sidecar.find("Authorization: Bearer [redacted]"), std::string::npos) << sidecar;
  EXPECT_NE(read_file(dir / "run/sorted/photo/answered.jpg.siftd.json").find("[redacted]"),
            std::string::npos);

  // Every file the daemon wrote, SQLite's (and its WAL) included, byte for byte.
  std::size_t searched = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "run")) {
    if (!entry.is_regular_file()) continue;
    ++searched;
    const std::string bytes = read_file(entry.path().string());
    EXPECT_EQ(bytes.find(k_key), std::string::npos) << "the key is in " << entry.path();
    EXPECT_EQ(bytes.find(k_goog_key), std::string::npos) << "the key is in " << entry.path();
  }
  EXPECT_GE(searched, 5u);
  for (const char* format : {"csv", "jsonl"}) {
    const auto exported =
        siftd_test::run_siftd("log --config '" + config + "' --format " + std::string(format));
    EXPECT_EQ(exported.status, 0);
    EXPECT_NE(exported.out.find("rejected.jpg"), std::string::npos) << exported.out;
    EXPECT_EQ(exported.out.find(k_key), std::string::npos) << exported.out;
    EXPECT_EQ(exported.out.find(k_goog_key), std::string::npos) << exported.out;
  }
}

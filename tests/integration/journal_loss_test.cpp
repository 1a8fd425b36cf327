// A journal that lost its history after kill -9 (its WAL deleted, or the file emptied): the
// files it held in the work area are put back into the inbox under their original names and
// routed; the loss is reported loudly (an error line, /status, /metrics); ids go on past the
// ones already used instead of starting again at 1.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <functional>

#include <httplib.h>
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

const std::vector<std::string> k_names = {"a.jpg", "b.jpg", "c.jpg"};

// Files siftd claimed (20 hex digits) in its work area.
int claimed_files(const std::string& work_area) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(work_area)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 20 && name.find_first_not_of("0123456789abcdef") == std::string::npos)
      ++count;
  }
  return count;
}

using Damage = std::function<void(const std::string& journal)>;

void lose_journal_history(const Damage& damage) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  const std::string work = inbox + "/.siftd";
  fs::create_directories(inbox);

  // First life: three files claimed and waiting on a model that does not answer; kill -9.
  {
    fakes::FakeServerOptions options;
    options.slow = std::chrono::milliseconds(60'000);
    fakes::FakeModelServer model(options);
    ASSERT_TRUE(model.start());
    fakes::ScriptedReply slow;
    slow.fault = fakes::Fault::slow;
    model.script({slow, slow, slow});
    write_file(dir / "first.toml",
               "[daemon]\ninbox = \"" + inbox + "\"\nout = \"" + out +
                   "\"\nsettle_ms = 50\nworkers = 3\n[model]\nbackend = "
                   "\"openai\"\ntimeout_ms = 120000\nprobe_at_start = false\nbase_url = \"" +
                   model.base_url() + "\"\n");
    siftd_test::DaemonProcess daemon(
        {"run", "--config", dir / "first.toml", "--log-format", "text"}, dir / "log1",
        {"SIFTD_API_KEY=k"});
    ASSERT_TRUE(
        wait_for([&] { return read_file(dir / "log1").find("watching") != std::string::npos; }));
    for (std::size_t i = 0; i < k_names.size(); ++i)
      write_file(inbox + "/" + k_names[i], siftd_test::photo_jpeg(640, 480, static_cast<int>(i)));
    ASSERT_TRUE(wait_for([&] { return model.requests().size() == k_names.size(); }))
        << read_file(dir / "log1");
    daemon.signal(SIGKILL);
    ASSERT_EQ(daemon.wait_exit(), 128 + SIGKILL);
  }
  ASSERT_EQ(claimed_files(work), static_cast<int>(k_names.size()));
  damage(work + "/journal.db");

  // Second life, with the local backend.
  write_file(dir / "second.toml", "[daemon]\ninbox = \"" + inbox + "\"\nout = \"" + out +
                                      "\"\nsettle_ms = 50\n[http]\nlisten = \"127.0.0.1:0\"\n");
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "second.toml", "--log-format", "text"},
                                   dir / "log2");
  ASSERT_TRUE(wait_for([&] {
    for (const auto& name : k_names) {
      if (!fs::exists(out + "/photo/" + name + ".siftd.json")) return false;
    }
    return true;
  })) << read_file(dir / "log2");
  EXPECT_EQ(claimed_files(work), 0);

  // New ids go on past the ones the lost history used.
  for (const auto& name : k_names) {
    const auto sidecar = nlohmann::json::parse(read_file(out + "/photo/" + name + ".siftd.json"));
    EXPECT_GT(sidecar["id"].get<int>(), static_cast<int>(k_names.size())) << sidecar.dump();
  }

  // Said loudly: an error line, /status and /metrics.
  const std::string log = read_file(dir / "log2");
  EXPECT_NE(log.find(" error "), std::string::npos) << log;
  EXPECT_NE(log.find("lost its history"), std::string::npos) << log;
  for (const auto& name : k_names) EXPECT_NE(log.find(name), std::string::npos) << log;
  httplib::Client client("127.0.0.1", siftd_test::logged_http_port(log));
  auto status = client.Get("/status");
  ASSERT_TRUE(status);
  const auto json = nlohmann::json::parse(status->body);
  ASSERT_TRUE(json["journal_history_lost"].is_string()) << status->body;
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nsiftd_journal_history_lost 1"), std::string::npos)
      << metrics->body;

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

}  // namespace

TEST(JournalLoss, files_in_the_work_area_come_back_after_the_wal_was_deleted) {
  lose_journal_history([](const std::string& journal) {
    fs::remove(journal + "-wal");
    fs::remove(journal + "-shm");
  });
}

TEST(JournalLoss, files_in_the_work_area_come_back_after_the_journal_was_emptied) {
  lose_journal_history([](const std::string& journal) {
    fs::remove(journal + "-wal");
    fs::remove(journal + "-shm");
    fs::resize_file(journal, 0);
  });
}

// The first vertical path through the real binary: watch, settle, claim, normalize, decide
// with the local backend, route with sidecars, quarantine, journal, and a clean SIGTERM.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "pipeline/journal/journal.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Writes through a temp name outside the inbox, then renames in: how careful tools publish.
void publish(const std::string& staging, const std::string& target, const std::string& bytes) {
  write_file(staging, bytes);
  fs::rename(staging, target);
}

class RunEndToEnd : public ::testing::Test {
 protected:
  siftd_test::TempDir m_dir;
  std::string m_inbox = m_dir / "inbox";
  std::string m_out = m_dir / "sorted";
  std::string m_log = m_dir / "siftd.log";

  std::unique_ptr<siftd_test::DaemonProcess> start() {
    fs::create_directories(m_inbox);
    auto daemon = std::make_unique<siftd_test::DaemonProcess>(
        std::vector<std::string>{"run", "--inbox", m_inbox, "--out", m_out, "--settle-ms", "300",
                                 "--log-format", "text"},
        m_log);
    EXPECT_TRUE(siftd_test::wait_for_log(m_log, "watching")) << read_file(m_log);
    return daemon;
  }
};

}  // namespace

TEST_F(RunEndToEnd, routes_images_quarantines_corrupt_ones_and_waits_for_slow_writers) {
  const std::string photo = siftd_test::photo_jpeg(1600, 1200, 1);
  const std::string screenshot = siftd_test::screenshot_png(1920, 1080);
  fs::create_directories(m_inbox);
  write_file(m_inbox + "/already-there.jpg",
             siftd_test::photo_jpeg(1200, 900, 2));  // found by the start scan

  auto daemon = start();
  write_file(m_inbox + "/photo.jpg", photo);
  publish(m_dir / "staging.png", m_inbox + "/screen shot.png", screenshot);
  write_file(m_inbox + "/corrupt.jpg", siftd_test::corrupt_jpeg());
  write_file(m_inbox + "/.partial-upload.jpg", photo);  // a temp name: never taken

  // A file written slowly in pieces over two seconds, with the descriptor held open.
  const std::string slow = siftd_test::photo_jpeg(1024, 768, 3);
  std::thread writer([&] {
    std::ofstream out(m_inbox + "/slow.jpg", std::ios::binary);
    const std::size_t piece = slow.size() / 5 + 1;
    for (std::size_t at = 0; at < slow.size(); at += piece) {
      out.write(slow.data() + at, static_cast<std::streamsize>(std::min(piece, slow.size() - at)));
      out.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
  });
  writer.join();

  ASSERT_TRUE(wait_for([&] {
    return fs::exists(m_out + "/photo/photo.jpg.siftd.json") &&
           fs::exists(m_out + "/photo/slow.jpg.siftd.json") &&
           fs::exists(m_out + "/photo/already-there.jpg.siftd.json") &&
           fs::exists(m_out + "/screenshot/screen shot.png.siftd.json") &&
           fs::exists(m_out + "/_quarantine/corrupt.jpg.error.json");
  })) << read_file(m_log);

  // Bytes are untouched, and the slow file was taken whole, once.
  EXPECT_EQ(read_file(m_out + "/photo/photo.jpg"), photo);
  EXPECT_EQ(read_file(m_out + "/photo/slow.jpg"), slow);
  EXPECT_EQ(read_file(m_out + "/screenshot/screen shot.png"), screenshot);

  const auto sidecar = nlohmann::json::parse(read_file(m_out + "/photo/photo.jpg.siftd.json"));
  EXPECT_EQ(sidecar["decision"]["category"], "photo");
  EXPECT_EQ(sidecar["outcome"], "route");
  EXPECT_EQ(sidecar["kind"], "image");
  EXPECT_EQ(sidecar["facts"]["width"], 1600);
  EXPECT_EQ(sidecar["token_estimate"], 258);
  EXPECT_EQ(sidecar["sha256"].get<std::string>().size(), 64u);

  const auto error =
      nlohmann::json::parse(read_file(m_out + "/_quarantine/corrupt.jpg.error.json"));
  EXPECT_EQ(error["stage"], "normalize");
  EXPECT_EQ(error["error_code"], "corrupt");
  EXPECT_FALSE(error["message"].get<std::string>().empty());
  EXPECT_FALSE(error["time"].get<std::string>().empty());

  // A second file of the same name never overwrites the first.
  write_file(m_inbox + "/photo.jpg", siftd_test::photo_jpeg(1600, 1200, 4));
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_out + "/photo/photo (1).jpg.siftd.json"); }))
      << read_file(m_log);
  EXPECT_EQ(read_file(m_out + "/photo/photo.jpg"), photo);

  // The inbox holds nothing but siftd's work area and the temp-named file.
  EXPECT_EQ(files_in(m_inbox), (std::vector<std::string>{".partial-upload.jpg", ".siftd"}));

  EXPECT_EQ(daemon->stop(), 0) << read_file(m_log);

  auto journal = pipeline::Journal::open(m_inbox + "/.siftd/journal.db");
  ASSERT_TRUE(journal);
  auto counts = (*journal)->count_by_state();
  ASSERT_TRUE(counts);
  EXPECT_EQ((*counts)["done"], 5);
  EXPECT_EQ((*counts)["quarantined"], 1);
  EXPECT_EQ(counts->size(), 2u) << "no file is left in an intermediate state";
  auto quarantined = (*journal)->in_state(pipeline::FileState::quarantined);
  ASSERT_TRUE(quarantined);
  ASSERT_EQ(quarantined->size(), 1u);
  EXPECT_EQ(quarantined->front().name, "corrupt.jpg");
  ASSERT_TRUE(quarantined->front().error);
  EXPECT_EQ(quarantined->front().error->stage, pipeline::Stage::normalize);

  // `siftd status` reads the same journal while the daemon is down.
  const auto status = siftd_test::run_siftd("status --json --inbox '" + m_inbox + "'");
  ASSERT_EQ(status.status, 0);
  const auto summary = nlohmann::json::parse(status.out);
  EXPECT_EQ(summary["by_state"]["done"], 5);
  EXPECT_EQ(summary["by_state"]["quarantined"], 1);
  EXPECT_EQ(summary["last_errors"][0]["name"], "corrupt.jpg");
  EXPECT_EQ(summary["today"]["finished"], 6);
}

TEST_F(RunEndToEnd, sigint_stops_cleanly_and_a_restart_takes_what_arrived_meanwhile) {
  auto daemon = start();
  daemon->signal(SIGINT);
  ASSERT_EQ(daemon->wait_exit(), 0) << read_file(m_log);
  write_file(m_inbox + "/while-down.jpg", siftd_test::photo_jpeg(800, 600, 5));
  auto again = start();
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_out + "/photo/while-down.jpg.siftd.json"); }))
      << read_file(m_log);
  EXPECT_EQ(again->stop(), 0);
}

// The work area deleted while siftd runs. With the journal kept elsewhere, the work area is
// recreated (and said so) and new files flow again. With the journal inside it, the journal is
// gone too: siftd says why, stops with exit status 1 (systemd restarts it) and the files it
// had not claimed wait in the inbox. Never is a file counted done that was not placed.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "pipeline/journal/journal.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

class WorkAreaLoss : public ::testing::Test {
 protected:
  // Starts siftd on the config and waits until `first.jpg` went through, so it is running.
  std::unique_ptr<siftd_test::DaemonProcess> start(const std::string& config,
                                                   const std::string& log) {
    fs::create_directories(m_inbox);
    auto daemon = std::make_unique<siftd_test::DaemonProcess>(
        std::vector<std::string>{"run", "--config", config, "--log-format", "text"}, log);
    write_file(m_inbox + "/first.jpg", siftd_test::photo_jpeg(640, 480, 1));
    EXPECT_TRUE(wait_for([&] { return fs::exists(m_out + "/photo/first.jpg.siftd.json"); }))
        << read_file(log);
    return daemon;
  }

  siftd_test::TempDir m_dir;
  std::string m_inbox = m_dir / "inbox";
  std::string m_out = m_dir / "sorted";
  std::string m_work = m_inbox + "/.siftd";
};

}  // namespace

TEST_F(WorkAreaLoss, is_recreated_and_new_files_flow_again) {
  const std::string journal = m_dir / "state/journal.db";
  fs::create_directories(m_dir / "state");
  write_file(m_dir / "siftd.toml", "[daemon]\ninbox = \"" + m_inbox + "\"\nout = \"" + m_out +
                                       "\"\njournal = \"" + journal + "\"\nsettle_ms = 50\n");
  auto daemon = start(m_dir / "siftd.toml", m_dir / "log");

  fs::remove_all(m_work);
  write_file(m_inbox + "/second.jpg", siftd_test::photo_jpeg(640, 480, 2));
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_out + "/photo/second.jpg.siftd.json"); }))
      << read_file(m_dir / "log");
  EXPECT_TRUE(fs::is_directory(m_work));
  const std::string log = read_file(m_dir / "log");
  EXPECT_NE(log.find(" error "), std::string::npos) << log;
  EXPECT_NE(log.find("recreated"), std::string::npos) << log;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait_exit(), 0);

  // Only placed files are done.
  auto opened = pipeline::Journal::open(journal);
  ASSERT_TRUE(opened);
  auto rows = (*opened)->updated_since(0);
  ASSERT_TRUE(rows);
  for (const auto& row : *rows) {
    EXPECT_EQ(row.state, pipeline::FileState::done) << row.id;
    EXPECT_EQ(row.outcome, pipeline::Outcome::route) << row.id << " " << row.name;
  }
}

TEST_F(WorkAreaLoss, with_the_journal_inside_siftd_says_why_and_stops_without_taking_more) {
  write_file(m_dir / "siftd.toml",
             "[daemon]\ninbox = \"" + m_inbox + "\"\nout = \"" + m_out + "\"\nsettle_ms = 50\n");
  auto daemon = start(m_dir / "siftd.toml", m_dir / "log");

  fs::remove_all(m_work);
  write_file(m_inbox + "/second.jpg", siftd_test::photo_jpeg(640, 480, 2));
  EXPECT_EQ(daemon->wait_exit(), 1) << read_file(m_dir / "log");
  const std::string log = read_file(m_dir / "log");
  EXPECT_NE(log.find("journal"), std::string::npos) << log;
  EXPECT_NE(log.find("deleted"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(m_inbox + "/second.jpg")) << log;

  // Restarted (as systemd would), it takes the file.
  siftd_test::DaemonProcess again({"run", "--config", m_dir / "siftd.toml", "--log-format", "text"},
                                  m_dir / "log2");
  ASSERT_TRUE(wait_for([&] { return fs::exists(m_out + "/photo/second.jpg.siftd.json"); }))
      << read_file(m_dir / "log2");
  again.signal(SIGTERM);
  EXPECT_EQ(again.wait_exit(), 0);
}

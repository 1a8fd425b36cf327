// How files arrive in real life: written slowly, copied by rclone, published the way aws s3
// does it, or ten thousand at once (overflowing the inotify queue). Each is taken once, and
// only when complete.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <sys/time.h>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "pipeline/file_hash.h"
#include "pipeline/journal/journal.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

// Content hash -> how many times it sits in the destination tree (sidecars aside).
std::map<std::string, int> placed_hashes(const std::string& out) {
  std::map<std::string, int> hashes;
  if (!fs::exists(out)) return hashes;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.ends_with(".json") || name.front() == '.') continue;
    hashes[pipeline::sha256_bytes(read_file(entry.path().string()))] += 1;
  }
  return hashes;
}

std::size_t sidecar_count(const std::string& out) {
  std::size_t count = 0;
  if (!fs::exists(out)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.path().filename().string().ends_with(".siftd.json")) ++count;
  }
  return count;
}

class Arrival : public ::testing::Test {
 protected:
  siftd_test::TempDir m_dir;
  std::string m_inbox = m_dir / "inbox";
  std::string m_out = m_dir / "sorted";

  std::unique_ptr<siftd_test::DaemonProcess> start(std::vector<std::string> extra = {"--settle-ms",
                                                                                     "300"}) {
    fs::create_directories(m_inbox);
    std::vector<std::string> args = {"run", "--inbox",      m_inbox, "--out",
                                     m_out, "--log-format", "text"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto daemon = std::make_unique<siftd_test::DaemonProcess>(args, m_dir / "log");
    EXPECT_TRUE(siftd_test::wait_for_log(m_dir / "log", "watching"));
    return daemon;
  }

  void stop(siftd_test::DaemonProcess& daemon) { EXPECT_EQ(daemon.stop(), 0); }
};

}  // namespace

TEST_F(Arrival, a_file_written_slowly_over_five_seconds_is_taken_once_complete) {
  auto daemon = start();
  const std::string bytes = siftd_test::photo_jpeg(1200, 900, 1);
  // Re-opened for each piece, so no writer holds it open across the pauses; the pauses are
  // shorter than the settle time, as a steady upload's are.
  const std::size_t piece = bytes.size() / 20 + 1;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    std::ofstream out(m_inbox + "/slow.jpg", std::ios::binary | std::ios::app);
    out.write(bytes.data() + at, static_cast<std::streamsize>(std::min(piece, bytes.size() - at)));
    out.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(wait_for([&] { return sidecar_count(m_out) == 1; })) << read_file(m_dir / "log");
  EXPECT_EQ(read_file(m_out + "/photo/slow.jpg"), bytes);
  stop(*daemon);
}

TEST_F(Arrival, rclone_copy_delivers_each_file_once_and_complete) {
  const std::string source = m_dir / "bucket";
  std::map<std::string, int> sent;
  for (int i = 0; i < 12; ++i) {
    const std::string bytes = siftd_test::photo_jpeg(1600, 1200, i);
    write_file(source + "/photo" + std::to_string(i) + ".jpg", bytes);
    sent[pipeline::sha256_bytes(bytes)] += 1;
  }
  auto daemon = start();
  const std::string command = "RCLONE_CONFIG='" + (m_dir / "rclone.conf") +
                              "' rclone copy --transfers 3 --bwlimit 1M '" + source + "' '" +
                              m_inbox + "' > '" + (m_dir / "rclone.log") + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(m_dir / "rclone.log");
  ASSERT_TRUE(wait_for([&] { return sidecar_count(m_out) == sent.size(); }))
      << read_file(m_dir / "log");
  stop(*daemon);
  EXPECT_EQ(placed_hashes(m_out), sent);
}

TEST_F(Arrival, an_aws_style_write_is_taken_once_and_complete) {
  auto daemon = start();
  std::map<std::string, int> sent;
  for (int i = 0; i < 5; ++i) {
    const std::string bytes = siftd_test::photo_jpeg(1024, 768, 10 + i);
    sent[pipeline::sha256_bytes(bytes)] += 1;
    const std::string final_name = m_inbox + "/s3-object-" + std::to_string(i) + ".jpg";
    const std::string temp_name = final_name + ".9fA3b21C";  // aws: name + "." + 8 hex characters
    {
      std::ofstream out(temp_name, std::ios::binary);
      const std::size_t half = bytes.size() / 2;
      out.write(bytes.data(), static_cast<std::streamsize>(half));
      out.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(400));  // longer than the settle time
      out.write(bytes.data() + half, static_cast<std::streamsize>(bytes.size() - half));
    }
    fs::rename(temp_name, final_name);
    // Then aws sets the object's old modification time on the final name (it may be gone).
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const timeval times[2] = {{1'500'000'000, 0}, {1'500'000'000, 0}};
    ::utimes(final_name.c_str(), times);
  }
  ASSERT_TRUE(wait_for([&] { return sidecar_count(m_out) == sent.size(); }))
      << read_file(m_dir / "log");
  stop(*daemon);
  EXPECT_EQ(placed_hashes(m_out), sent);
}

TEST_F(Arrival, ten_thousand_files_at_once_are_all_routed_once_despite_an_inotify_overflow) {
  constexpr int k_files = 10'000;
  auto daemon = start({"--workers", "4", "--settle-ms", "100"});
  // Frozen while they land, so the kernel's event queue (16384 by default) overflows for sure.
  daemon->signal(SIGSTOP);
  for (int i = 0; i < k_files; ++i)
    write_file(m_inbox + "/n" + std::to_string(i) + ".png", siftd_test::numbered_png(i));
  daemon->signal(SIGCONT);
  ASSERT_TRUE(wait_for(
      [&] {
        auto journal =
            pipeline::Journal::open(m_inbox + "/.siftd/journal.db", pipeline::SyncMode::normal);
        if (!journal) return false;
        auto counts = (*journal)->count_by_state();
        return counts && (*counts)["done"] == k_files;
      },
      std::chrono::seconds(600)))
      << read_file(m_dir / "log").substr(0, 2000);
  stop(*daemon);
  const auto hashes = placed_hashes(m_out);
  EXPECT_EQ(hashes.size(), static_cast<std::size_t>(k_files));
  for (const auto& [hash, count] : hashes) ASSERT_EQ(count, 1) << hash;
  EXPECT_NE(read_file(m_dir / "log").find("overflowed; rescanning"), std::string::npos)
      << "10,000 files should overflow a 16384-event inotify queue";
}

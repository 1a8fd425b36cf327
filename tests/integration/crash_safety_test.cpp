// Crash safety of the real binary: SIGKILL at random moments while files flow, restarted
// ten times; at the end every input is in exactly one destination with identical bytes, and
// the journal agrees.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "pipeline/file_hash.h"
#include "pipeline/journal/journal.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::count_of;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

constexpr int k_files = 1000;
constexpr int k_kills = 10;

bool inbox_is_empty(const std::string& inbox) {
  for (const auto& entry : fs::directory_iterator(inbox)) {
    if (entry.path().filename() != ".siftd") return false;
  }
  return true;
}

}  // namespace

TEST(CrashSafety, sigkill_at_random_moments_loses_and_duplicates_nothing) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  fs::create_directories(dir / "staging");

  // What was sent: content hash -> count (all distinct).
  std::map<std::string, int> sent;
  std::vector<std::string> contents;
  for (int i = 0; i < k_files; ++i) {
    contents.push_back(i % 50 == 7 ? "corrupt " + std::to_string(i) : siftd_test::numbered_png(i));
    sent[pipeline::sha256_bytes(contents.back())] += 1;
  }
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(k_files));

  // Publish in the background, the way careful tools do: write aside, rename in.
  std::thread producer([&] {
    for (int i = 0; i < k_files; ++i) {
      const std::string name = "f" + std::to_string(i) + ".png";
      write_file(dir / ("staging/" + name), contents[i]);
      fs::rename(dir / ("staging/" + name), inbox + "/" + name);
      if (i % 20 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });

  std::mt19937 random(20261128);
  const std::vector<std::string> args = {"run", "--inbox",      inbox, "--out",
                                         out,   "--settle-ms",  "50",  "--workers",
                                         "3",   "--log-format", "text"};
  for (int round = 0; round < k_kills; ++round) {
    siftd_test::DaemonProcess daemon(args, dir / "log");
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 900)(random)));
    daemon.signal(SIGKILL);
    ASSERT_EQ(daemon.wait_exit(), 128 + SIGKILL);
  }
  producer.join();
  const int watching_before = count_of(read_file(dir / "log"), "watching ");

  siftd_test::DaemonProcess last(args, dir / "log");
  ASSERT_TRUE(
      wait_for([&] { return count_of(read_file(dir / "log"), "watching ") > watching_before; }));
  auto journal = pipeline::Journal::open(inbox + "/.siftd/journal.db");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(wait_for(
      [&] {
        auto unfinished = (*journal)->unfinished();
        return inbox_is_empty(inbox) && unfinished && unfinished->empty();
      },
      std::chrono::seconds(240)))
      << read_file(dir / "log").substr(0, 4000);
  ASSERT_EQ(last.stop(), 0);

  // Every input is in exactly one destination, byte-identical, with its sidecar.
  std::map<std::string, int> placed;
  std::map<std::string, std::string> placed_at;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".siftd.json") || name.ends_with(".error.json")) continue;
    ASSERT_NE(name.front(), '.') << "a temp file was left behind: " << path;
    const std::string hash = pipeline::sha256_bytes(read_file(path));
    placed[hash] += 1;
    placed_at[hash] = path;
    EXPECT_TRUE(fs::exists(path + ".siftd.json") || fs::exists(path + ".error.json")) << path;
  }
  EXPECT_EQ(placed.size(), sent.size());
  for (const auto& [hash, count] : sent) {
    EXPECT_EQ(placed[hash], 1) << "content " << hash << " placed " << placed[hash] << " times";
  }

  // The journal agrees: one finished row per input, at the place the file really is.
  auto rows = (*journal)->updated_since(0);
  ASSERT_TRUE(rows);
  int finished = 0;
  for (const auto& row : *rows) {
    if (row.outcome == pipeline::Outcome::vanished)
      continue;  // claimed by nobody: the file was found again later
    ASSERT_TRUE(row.state == pipeline::FileState::done ||
                row.state == pipeline::FileState::quarantined);
    ++finished;
    EXPECT_EQ(placed_at[row.sha256], row.destination) << row.id;
  }
  EXPECT_EQ(finished, k_files);
}

// Names near NAME_MAX (255 bytes) through the real binary: the file and its sidecar both land,
// under a name shortened to fit (the extension kept), and no journal row is left unfinished.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

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

// Placed files in `folder` (not sidecars, not hidden temp files).
std::vector<std::string> placed_in(const std::string& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".siftd.json") || name.ends_with(".error.json")) continue;
    names.push_back(name);
  }
  return names;
}

}  // namespace

TEST(LongNames, names_up_to_255_bytes_are_placed_with_their_sidecar_and_no_row_is_stuck) {
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  // 240 to 255 bytes, ASCII and multi-byte UTF-8 (a cut must not split a character).
  const std::vector<std::string> names = {std::string(236, 'a') + ".jpg",
                                          std::string(251, 'b') + ".jpg",
                                          std::string(250, 'c') + ".jpeg", [] {
                                            std::string name;
                                            while (name.size() < 248) name += "\xc3\xa9";  // é
                                            return name + ".jpg";
                                          }()};
  for (std::size_t i = 0; i < names.size(); ++i) {
    ASSERT_LE(names[i].size(), 255u);
    write_file(inbox + "/" + names[i], siftd_test::photo_jpeg(320, 240, static_cast<int>(i)));
  }

  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", inbox, "--out", out, "--settle-ms", "50", "--log-format", "text"},
      dir / "log");
  auto journal_done = [&] {
    auto journal = pipeline::Journal::open(inbox + "/.siftd/journal.db");
    if (!journal) return false;
    auto unfinished = (*journal)->unfinished();
    auto rows = (*journal)->updated_since(0);
    return unfinished && unfinished->empty() && rows && rows->size() == names.size();
  };
  ASSERT_TRUE(wait_for([&] { return placed_in(out + "/photo").size() == names.size(); }))
      << read_file(dir / "log");
  ASSERT_TRUE(wait_for(journal_done)) << read_file(dir / "log");

  std::set<std::string> original_names;
  for (const auto& name : placed_in(out + "/photo")) {
    EXPECT_LE(name.size() + std::string(".siftd.json").size(), 255u) << name;
    EXPECT_TRUE(name.ends_with(".jpg") || name.ends_with(".jpeg")) << "extension kept: " << name;
    const std::string sidecar = out + "/photo/" + name + ".siftd.json";
    ASSERT_TRUE(fs::exists(sidecar)) << name << "\n" << read_file(dir / "log");
    const auto json = nlohmann::json::parse(read_file(sidecar));
    original_names.insert(json["name"].get<std::string>());
    // The cut never splits a UTF-8 character.
    EXPECT_NO_THROW((void)nlohmann::json(name).dump()) << name;
  }
  EXPECT_EQ(original_names, std::set<std::string>(names.begin(), names.end()));
  EXPECT_FALSE(fs::exists(out + "/_quarantine")) << read_file(dir / "log");

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

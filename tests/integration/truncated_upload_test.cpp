// Cut-off uploads through the real binary: the first 5,000 bytes of a 2400x1600 JPEG (libjpeg
// would decode them with a warning and fill the rest grey) and a PNG without its IEND chunk are
// quarantined as `truncated` with what is missing, never routed; the whole photo beside them is.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

// Where `name` ended under `out`: its folder's name, or empty while it is nowhere.
std::string folder_of(const std::string& out, const std::string& name) {
  if (!fs::exists(out)) return "";
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.path().filename() == name) return entry.path().parent_path().filename().string();
  }
  return "";
}

// Writes `bytes` beside the inbox and renames it in, as a finished upload arrives.
void upload(const siftd_test::TempDir& dir, const std::string& name, const std::string& bytes) {
  write_file(dir / ("staging/" + name), bytes);
  fs::rename(dir / ("staging/" + name), dir / ("inbox/" + name));
}

// The quarantine sidecar of `name`, once it is there.
nlohmann::json quarantine_error(const std::string& out, const std::string& name) {
  const std::string path = out + "/_quarantine/" + name + ".error.json";
  if (!wait_for([&] { return fs::exists(path); })) return nullptr;
  return nlohmann::json::parse(read_file(path));
}

}  // namespace

TEST(TruncatedUpload, cut_jpeg_and_png_are_quarantined_as_truncated_never_routed) {
  siftd_test::TempDir dir;
  const std::string out = dir / "sorted";
  fs::create_directories(dir / "inbox");
  const std::string photo = siftd_test::photo_jpeg(2400, 1600, 16);
  const std::string jpeg_cut = photo.substr(0, 5000);
  const std::string screenshot = siftd_test::screenshot_png(1280, 800);
  const std::string png_cut = screenshot.substr(0, screenshot.size() - 12);  // without IEND

  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", out, "--settle-ms", "100", "--log-format", "text"},
      dir / "log");
  ASSERT_TRUE(
      wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
  upload(dir, "cut.jpg", jpeg_cut);
  upload(dir, "whole.jpg", photo);
  upload(dir, "cut.png", png_cut);

  const std::vector<std::string> names = {"cut.jpg", "whole.jpg", "cut.png"};
  ASSERT_TRUE(wait_for([&] {
    for (const auto& name : names) {
      if (folder_of(out, name).empty()) return false;
    }
    return true;
  })) << read_file(dir / "log");
  EXPECT_EQ(folder_of(out, "whole.jpg"), "photo");
  ASSERT_EQ(folder_of(out, "cut.jpg"), "_quarantine") << "the cut JPEG passed as a good file";
  ASSERT_EQ(folder_of(out, "cut.png"), "_quarantine") << "the cut PNG passed as a good file";
  EXPECT_EQ(read_file(out + "/_quarantine/cut.jpg"), jpeg_cut);
  EXPECT_EQ(read_file(out + "/_quarantine/cut.png"), png_cut);
  for (const auto& [name, words] :
       {std::pair<std::string, std::string>{"cut.jpg", "Premature end of JPEG"},
        std::pair<std::string, std::string>{"cut.png", "IEND"}}) {
    const auto error = quarantine_error(out, name);
    ASSERT_TRUE(error.is_object()) << name;
    EXPECT_EQ(error["stage"], "normalize") << name;
    EXPECT_EQ(error["error_code"], "truncated") << error.dump();
    EXPECT_NE(error["message"].get<std::string>().find(words), std::string::npos) << error.dump();
  }
  EXPECT_EQ(daemon.stop(), 0) << read_file(dir / "log");
}

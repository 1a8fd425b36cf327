// The formats phones and cameras upload, through the real binary with the local backend: every
// HEIF, AVIF and WebP file of the shared corpus ends routed or quarantined with a reason; the
// iPhone photo, the valid AVIF and the animated WebP are routed as images; a DNG made by
// make_dng_fixtures is routed as a photo with its camera in the facts.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;

// The sidecar or the quarantine record of `name` under `out`, once either exists.
fs::path record_of(const std::string& out, const std::string& name) {
  if (!fs::exists(out)) return {};
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const std::string file = entry.path().filename().string();
    if (file == name + ".siftd.json" || file == name + ".error.json") return entry.path();
  }
  return {};
}

}  // namespace

TEST(NewFormats, heif_webp_and_dng_uploads_end_routed_or_quarantined_with_a_reason) {
  const fs::path corpus = fs::path(SIFTD_SHARED_DIR) / "corpus/image";
  if (!fs::exists(corpus / "heif")) GTEST_SKIP() << "no corpus at " << corpus;
  siftd_test::TempDir dir;
  const std::string out = dir / "sorted";
  fs::create_directories(dir / "staging");
  fs::create_directories(dir / "inbox");
  std::vector<std::string> names;
  auto upload = [&](const fs::path& source, const std::string& name) {
    fs::copy_file(source, dir / ("staging/" + name));
    fs::rename(dir / ("staging/" + name), dir / ("inbox/" + name));
    names.push_back(name);
  };
  for (const char* folder : {"heif", "webp"}) {
    for (const auto& entry : fs::directory_iterator(corpus / folder)) {
      upload(entry.path(), entry.path().filename().string());
    }
  }

  siftd_test::DaemonProcess daemon(
      {"run", "--inbox", dir / "inbox", "--out", out, "--settle-ms", "100", "--log-format", "text"},
      dir / "log");
  ASSERT_TRUE(
      wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
  upload(fs::path(SIFTD_SOURCE_DIR) / "fixtures/media/camera.dng", "camera.dng");

  ASSERT_TRUE(wait_for([&] {
    for (const auto& name : names) {
      if (record_of(out, name).empty()) return false;
    }
    return true;
  })) << read_file(dir / "log");

  for (const auto& name : names) {
    const fs::path record = record_of(out, name);
    const auto json = nlohmann::json::parse(read_file(record));
    if (record.filename().string().ends_with(".error.json")) {
      EXPECT_FALSE(json["message"].get<std::string>().empty()) << name;
      EXPECT_NE(json["error_code"], "crashed") << name << ": " << json.dump();
    } else {
      EXPECT_EQ(json["kind"], "image") << name;
    }
  }
  for (const char* routed :
       {"sc_iphonex.heic", "pillow_hopper.avif", "pillow_iss634.webp", "camera.dng"}) {
    EXPECT_TRUE(record_of(out, routed).filename().string().ends_with(".siftd.json"))
        << routed << " was not routed: " << read_file(record_of(out, routed));
  }
  const auto iphone = nlohmann::json::parse(read_file(record_of(out, "sc_iphonex.heic")));
  EXPECT_EQ(iphone["facts"]["width"], 3024);
  EXPECT_EQ(iphone["facts"]["height"], 4032);
  const auto animated = nlohmann::json::parse(read_file(record_of(out, "pillow_iss634.webp")));
  EXPECT_GT(animated["facts"]["frames"].get<int>(), 1) << animated.dump();

  const fs::path dng = record_of(out, "camera.dng");
  EXPECT_EQ(dng.parent_path().filename(), "photo") << read_file(dng);
  const auto sidecar = nlohmann::json::parse(read_file(dng));
  EXPECT_EQ(sidecar["decision"]["category"], "photo");
  EXPECT_EQ(sidecar["facts"]["format"], "dng");
  EXPECT_EQ(sidecar["facts"]["camera_make"], "Siftd");
  EXPECT_EQ(sidecar["facts"]["camera_model"], "Test Camera DNG");
  EXPECT_EQ(sidecar["facts"]["capture_time"], "2024-05-17T14:03:21");
  EXPECT_EQ(daemon.stop(), 0) << read_file(dir / "log");
}

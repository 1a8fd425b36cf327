// Every file of the shared corpus (valid, broken and hostile media) plus generated hostile
// files go through one running `siftd run`: each ends routed with its sidecar or quarantined
// with a reason, exactly once and byte for byte, and the daemon is still up with bounded memory
// (decoding happens in its worker processes).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "hostile_media.h"
#include "pipeline/file_hash.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

constexpr std::size_t k_batch = 50;
constexpr long k_max_daemon_rss_kb = 512 * 1024;

struct Input {
  std::string name;  // unique in the inbox
  std::string bytes;
};

// The corpus, each file named by its path with '/' as '-', so names stay unique.
std::vector<Input> corpus_inputs(const std::string& root) {
  std::vector<Input> inputs;
  if (!fs::exists(root)) return inputs;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string name = fs::relative(entry.path(), root).string();
    std::replace(name.begin(), name.end(), '/', '-');
    inputs.push_back({"corpus-" + name, read_file(entry.path().string())});
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const Input& a, const Input& b) { return a.name < b.name; });
  // The corpus holds a few byte-identical files; daemon.duplicates = "skip" (the default) places
  // such bytes once, which the Duplicates tests cover. Here each content goes in once.
  std::set<std::string> seen;
  std::erase_if(inputs, [&](const Input& input) {
    return !seen.insert(pipeline::sha256_bytes(input.bytes)).second;
  });
  return inputs;
}

std::vector<Input> generated_inputs() {
  const std::string photo = siftd_test::photo_jpeg(2400, 1600, 16);
  const std::string screenshot = siftd_test::screenshot_png(800, 600);
  const std::string video =
      read_file(std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/pattern.mp4");
  const std::string pdf = read_file(std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/text.pdf");
  return {
      {"cut-photo.jpg", photo.substr(0, 5000)},
      {"cut-screenshot.png", screenshot.substr(0, screenshot.size() - 12)},
      {"cut-video.mp4", video.substr(0, video.size() / 2)},
      {"cut-document.pdf", pdf.substr(0, pdf.rfind("\nxref") + 1)},
      {"huge-dimensions.png", siftd_test::png_huge_dimensions()},
      {"huge-dimensions.jpg", siftd_test::jpeg_with_dimensions(photo, 65'000, 65'000)},
      {"zero-bomb.png", siftd_test::png_zero_bomb()},
      {"nested-arrays.pdf", siftd_test::pdf_nested_arrays(100'000)},
      {"deep-page-tree.pdf", siftd_test::pdf_deep_page_tree(5'000)},
      {"random.bin", siftd_test::random_bytes(64 * 1024, 11)},
      {"random.jpg", siftd_test::random_bytes(64 * 1024, 12)},
      {"empty.jpg", ""},
      {"whole-photo.jpg", photo},
  };
}

bool is_sidecar(const std::string& name) {
  const auto ends_with = [&](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".siftd.json") || ends_with(".error.json");
}

// Every placed file under `out` (not sidecars), by name.
std::map<std::string, std::vector<fs::path>> placed_files(const std::string& out) {
  std::map<std::string, std::vector<fs::path>> placed;
  if (!fs::exists(out)) return placed;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !is_sidecar(name)) placed[name].push_back(entry.path());
  }
  return placed;
}

std::size_t untaken(const std::string& inbox) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(inbox)) {
    if (entry.path().filename() != ".siftd") ++count;
  }
  return count;
}

long peak_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

TEST(Hostile, every_corpus_and_generated_file_ends_routed_or_quarantined_with_a_reason) {
  auto inputs = corpus_inputs(std::string(SIFTD_SHARED_DIR) + "/corpus");
  if (inputs.empty()) GTEST_SKIP() << "no corpus at " << SIFTD_SHARED_DIR;
  for (auto& generated : generated_inputs()) inputs.push_back(std::move(generated));

  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  const std::string staging = dir / "staging";
  fs::create_directories(inbox);
  fs::create_directories(staging);
  siftd_test::DaemonProcess daemon({"run", "--inbox", inbox, "--out", out, "--workers", "2",
                                    "--settle-ms", "100", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(wait_for([&] {
    return read_file(dir / "log").find("watching") != std::string::npos;
  })) << read_file(dir / "log");

  // Published in batches by rename, as sync tools do; a batch waits until the daemon has
  // taken most of the one before, so the inbox never holds the whole corpus at once.
  for (std::size_t first = 0; first < inputs.size(); first += k_batch) {
    ASSERT_TRUE(wait_for([&] { return untaken(inbox) < k_batch / 2; }, std::chrono::seconds(120)))
        << read_file(dir / "log");
    for (std::size_t i = first; i < std::min(inputs.size(), first + k_batch); ++i) {
      write_file(staging + "/" + inputs[i].name, inputs[i].bytes);
      fs::rename(staging + "/" + inputs[i].name, inbox + "/" + inputs[i].name);
    }
  }
  const bool all_placed = wait_for(
      [&] {
        const auto placed = placed_files(out);
        return std::all_of(inputs.begin(), inputs.end(),
                           [&](const Input& input) { return placed.count(input.name) != 0; });
      },
      std::chrono::seconds(240));

  // The daemon is still up, and its own memory stayed bounded.
  EXPECT_TRUE(daemon.running()) << read_file(dir / "log");
  const long rss_kb = peak_rss_kb(daemon.pid());
  EXPECT_GT(rss_kb, 0);
  EXPECT_LT(rss_kb, k_max_daemon_rss_kb);

  const auto placed = placed_files(out);
  std::set<std::string> names;
  std::map<std::string, int> reasons;
  for (const Input& input : inputs) {
    names.insert(input.name);
    const auto found = placed.find(input.name);
    if (found == placed.end()) {
      ADD_FAILURE() << input.name << " is nowhere under " << out;
      continue;
    }
    ASSERT_EQ(found->second.size(), 1u) << input.name << " was placed more than once";
    const fs::path& path = found->second.front();
    const auto hash = pipeline::sha256_file(path.string());
    ASSERT_TRUE(hash) << path;
    EXPECT_EQ(*hash, pipeline::sha256_bytes(input.bytes)) << input.name << " changed";
    if (path.parent_path().filename() == "_quarantine") {
      const std::string sidecar = path.string() + ".error.json";
      ASSERT_TRUE(fs::exists(sidecar)) << input.name << " was quarantined without a reason";
      const auto error = nlohmann::json::parse(read_file(sidecar));
      ASSERT_TRUE(error["error_code"].is_string()) << sidecar;
      const std::string code = error["error_code"];
      EXPECT_FALSE(code.empty()) << sidecar;
      ++reasons[code];
    } else {
      EXPECT_TRUE(fs::exists(path.string() + ".siftd.json")) << input.name << " has no sidecar";
      ++reasons["routed"];
    }
  }
  // Nothing else was placed, and nothing is left behind in the inbox.
  for (const auto& [name, paths] : placed) EXPECT_EQ(names.count(name), 1u) << "stray " << name;
  EXPECT_EQ(untaken(inbox), 0u);
  EXPECT_TRUE(all_placed);

  // The generated hostile files end where they must.
  const auto reason_of = [&](const std::string& name) -> std::string {
    const auto found = placed.find(name);
    if (found == placed.end()) return "missing";
    const fs::path& path = found->second.front();
    if (path.parent_path().filename() != "_quarantine") return "routed";
    return nlohmann::json::parse(read_file(path.string() + ".error.json"))["error_code"];
  };
  EXPECT_EQ(reason_of("cut-photo.jpg"), "truncated");
  EXPECT_EQ(reason_of("cut-screenshot.png"), "truncated");
  EXPECT_EQ(reason_of("cut-video.mp4"), "truncated");
  EXPECT_EQ(reason_of("cut-document.pdf"), "truncated");
  EXPECT_EQ(reason_of("huge-dimensions.png"), "too_large");
  EXPECT_EQ(reason_of("huge-dimensions.jpg"), "too_large");
  EXPECT_EQ(reason_of("zero-bomb.png"), "too_large");
  EXPECT_EQ(reason_of("whole-photo.jpg"), "routed");

  for (const auto& [reason, count] : reasons) {
    std::cout << "[ outcome  ] " << reason << ": " << count << "\n";
  }
  std::cout << "[ daemon   ] peak RSS " << rss_kb / 1024 << " MiB over " << inputs.size()
            << " files\n";
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0) << read_file(dir / "log");
}

// Sweeps every file of the shared hostile/broken/valid corpus through the worker pool: each
// must end as a Normalized value or a typed error, within the pool's deadline, in a worker
// that stays under the memory limit. `valid` files must succeed or say `unsupported`, except
// the few that are cut short, which must say `truncated`; in the formats siftd reads fully
// (k_fully_read) every `valid` file must succeed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "media/sanitizers.h"
#include "media/worker_pool.h"

namespace media {
namespace {

struct CorpusEntry {
  std::string path;
  std::string format;       // the manifest's format column: "heic", "avif", "webp", ...
  std::string expectation;  // valid, broken or hostile
};

std::vector<CorpusEntry> read_manifest(const std::string& root) {
  std::ifstream in(root + "/MANIFEST.tsv");
  std::vector<CorpusEntry> entries;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    CorpusEntry entry;
    std::getline(fields, entry.path, '\t');
    std::getline(fields, entry.format, '\t');
    std::getline(fields, entry.expectation, '\t');
    if (!entry.path.empty()) entries.push_back(entry);
  }
  return entries;
}

// Files the manifest calls valid that are in fact cut short (FATE keeps only the head of some
// samples): siftd must report them `truncated`, never route them as whole.
const std::set<std::string> k_cut_short = {
    "video/mp4/fate_displaymatrix.mp4",  // its mdat runs 938,476 bytes past the end
};

// Formats with a decoder of their own (libheif, libwebp's demuxer): a valid file that comes
// back `unsupported` is a regression, not a gap.
const std::set<std::string> k_fully_read = {"heic", "avif", "webp", "gif", "png"};

TEST(CorpusSweep, every_file_yields_a_value_or_a_typed_error) {
  const std::string root = std::string(SIFTD_SHARED_DIR) + "/corpus";
  const auto entries = read_manifest(root);
  if (entries.empty()) GTEST_SKIP() << "no corpus at " << root;

  Limits limits;
  limits.decode_timeout_ms = 8000;  // + the pool's 1 s grace: killed before 10 s
  auto pool = WorkerPool::create(WorkerPoolOptions{SIFTD_MEDIA_TEST_WORKER, 2});
  ASSERT_TRUE(pool) << pool.error().detail;

  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::vector<std::pair<double, std::string>> timings;
  auto sweep = [&] {
    for (std::size_t i = next++; i < entries.size(); i = next++) {
      const CorpusEntry& entry = entries[i];
      const auto start = std::chrono::steady_clock::now();
      auto result = (*pool)->normalize(root + "/" + entry.path, limits);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard lock(mutex);
      timings.emplace_back(seconds, entry.path);
      // The guard of the guard: the pool must have cut anything slower.
      EXPECT_LT(seconds, 10.5) << entry.path;
      if (k_cut_short.count(entry.path) != 0) {
        if (result) {
          ADD_FAILURE() << entry.path << " was taken as whole";
        } else {
          EXPECT_EQ(result.error().code, ErrorCode::truncated) << entry.path;
        }
        continue;
      }
      if (result) {
        EXPECT_FALSE(result->parts.empty()) << entry.path;
        EXPECT_GT(result->token_estimate, 0) << entry.path;
        continue;
      }
      const ErrorCode code = result.error().code;
      EXPECT_FALSE(result.error().detail.empty()) << entry.path;
      if (entry.expectation == "valid" && k_fully_read.count(entry.format) != 0) {
        ADD_FAILURE() << entry.path << " is valid " << entry.format
                      << " but was refused: " << to_string(code) << ": " << result.error().detail;
      } else if (entry.expectation == "valid") {
        EXPECT_EQ(code, ErrorCode::unsupported)
            << entry.path << ": " << to_string(code) << ": " << result.error().detail;
      }
      if (code == ErrorCode::crashed || code == ErrorCode::timeout ||
          code == ErrorCode::truncated || k_fully_read.count(entry.format) != 0) {
        std::cout << "[ note     ] " << entry.path << ": " << to_string(code) << ": "
                  << result.error().detail << "\n";
      }
    }
  };
  std::thread other(sweep);
  sweep();
  other.join();

  std::sort(timings.rbegin(), timings.rend());
  for (std::size_t i = 0; i < std::min<std::size_t>(3, timings.size()); ++i) {
    std::cout << "[ slowest  ] " << timings[i].second << ": " << timings[i].first << " s\n";
  }
  const auto stats = (*pool)->stats();
  std::cout << "[ workers  ] spawned " << stats.spawned << ", killed " << stats.killed
            << ", peak RSS " << stats.peak_worker_rss_kb / 1024 << " MiB\n";
  // RLIMIT_AS holds each worker under worker_memory_mb; ASan needs its shadow memory and runs
  // without it, so there the workers only recycle themselves after a file that grew them.
  if (!k_address_sanitizer) {
    EXPECT_LE(stats.peak_worker_rss_kb, limits.worker_memory_mb * 1024);
  }
}

}  // namespace
}  // namespace media

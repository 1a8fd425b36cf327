#include "media/worker_pool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "media/sanitizers.h"
#include "media_fixtures.h"

namespace media {
namespace {

namespace fs = std::filesystem;

// Copies of a good fixture under the names the worker's test hook reacts to
// (SIFTD_TEST_WORKER_FAULTS, see media/test_faults.h).
class WorkerPoolTest : public testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SIFTD_TEST_WORKER_FAULTS", "1", 1);
    m_dir = fs::temp_directory_path() / ("siftd-pool-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    for (const char* name :
         {"good.mp3", "siftd-fault-crash.mp3", "siftd-fault-hang.mp3", "siftd-fault-crash-once.mp3",
          "siftd-fault-bloat.mp3", "siftd-fault-oddthrow.mp3"}) {
      fs::copy_file(test::fixture("tone.mp3"), m_dir / name);
    }
    // One crash token for "siftd-fault-crash-once": the sandboxed worker can read, not write.
    const std::string once = path("siftd-fault-crash-once.mp3") + ".once";
    ASSERT_EQ(::mkfifo(once.c_str(), 0600), 0);
    m_once = ::open(once.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(m_once, 0);
    ASSERT_EQ(::write(m_once, "x", 1), 1);
    m_limits.decode_timeout_ms = 1500;
  }
  void TearDown() override {
    if (m_once >= 0) ::close(m_once);
    fs::remove_all(m_dir);
  }

  std::unique_ptr<WorkerPool> make_pool(int size) {
    auto pool = WorkerPool::create(WorkerPoolOptions{SIFTD_MEDIA_TEST_WORKER, size, 500});
    EXPECT_TRUE(pool) << pool.error().detail;
    return pool ? std::move(*pool) : nullptr;
  }
  std::string path(const char* name) const { return (m_dir / name).string(); }

  fs::path m_dir;
  int m_once = -1;
  Limits m_limits;
};

TEST_F(WorkerPoolTest, normalizes_in_a_worker_process) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  auto out = pool->normalize(path("good.mp3"), m_limits);
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::audio);
  EXPECT_EQ(out->parts.size(), 1u);
  EXPECT_GT(pool->stats().peak_worker_rss_kb, 0u);
  // The same worker serves the next file.
  ASSERT_TRUE(pool->normalize(path("good.mp3"), m_limits));
  EXPECT_EQ(pool->stats().spawned, 1);
}

TEST_F(WorkerPoolTest, a_crash_costs_only_that_file_after_one_retry) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  auto crashed = pool->normalize(path("siftd-fault-crash.mp3"), m_limits);
  ASSERT_FALSE(crashed);
  EXPECT_EQ(crashed.error().code, ErrorCode::crashed);
  // ASan catches the SIGSEGV itself and exits with status 1 instead.
  if (!k_address_sanitizer) {
    EXPECT_NE(crashed.error().detail.find("signal 11"), std::string::npos)
        << crashed.error().detail;
  }
  EXPECT_EQ(pool->stats().killed, 2);  // the first try and the retry
  auto next = pool->normalize(path("good.mp3"), m_limits);
  EXPECT_TRUE(next) << next.error().detail;
}

TEST_F(WorkerPoolTest, a_crash_that_does_not_repeat_is_retried_to_success) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  auto out = pool->normalize(path("siftd-fault-crash-once.mp3"), m_limits);
  EXPECT_TRUE(out) << out.error().detail;
  EXPECT_EQ(pool->stats().killed, 1);
}

TEST_F(WorkerPoolTest, a_hang_becomes_a_timeout_and_the_worker_is_replaced) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  auto hung = pool->normalize(path("siftd-fault-hang.mp3"), m_limits);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::timeout);
  auto next = pool->normalize(path("good.mp3"), m_limits);
  EXPECT_TRUE(next) << next.error().detail;
  EXPECT_EQ(pool->stats().spawned, 2);
}

TEST_F(WorkerPoolTest, a_memory_blow_up_is_stopped_and_costs_only_that_file) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  m_limits.decode_timeout_ms = 5000;  // the default 512 MiB limit stops it long before
  auto bloated = pool->normalize(path("siftd-fault-bloat.mp3"), m_limits);
  ASSERT_FALSE(bloated);
  EXPECT_EQ(bloated.error().code, ErrorCode::too_large) << bloated.error().detail;
  auto next = pool->normalize(path("good.mp3"), m_limits);
  EXPECT_TRUE(next) << next.error().detail;
}

TEST_F(WorkerPoolTest, a_decoder_that_throws_anything_costs_only_that_file) {
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  auto thrown = pool->normalize(path("siftd-fault-oddthrow.mp3"), m_limits);
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().code, ErrorCode::internal) << thrown.error().detail;
  EXPECT_EQ(pool->stats().killed, 0);  // answered, not crashed
  auto next = pool->normalize(path("good.mp3"), m_limits);
  EXPECT_TRUE(next) << next.error().detail;
}

TEST_F(WorkerPoolTest, concurrent_callers_get_their_own_answers) {
  auto pool = make_pool(2);
  ASSERT_TRUE(pool);
  const std::vector<std::string> names = {"good.mp3", "siftd-fault-crash.mp3",
                                          "good.mp3", "siftd-fault-hang.mp3",
                                          "good.mp3", "good.mp3"};
  std::vector<Result<Normalized>> results(names.size(), fail(ErrorCode::internal, "not run"));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = pool->normalize(path(names[i].c_str()), m_limits); });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "good.mp3") {
      EXPECT_TRUE(results[i]) << results[i].error().detail;
    } else {
      ASSERT_FALSE(results[i]);
      EXPECT_EQ(results[i].error().code, names[i].find("hang") != std::string::npos
                                             ? ErrorCode::timeout
                                             : ErrorCode::crashed);
    }
  }
}

// The daemon's own binary: `siftd worker` is what the daemon starts. media_tests does not
// depend on the siftd target, so this runs when a full build has made it.
TEST(WorkerPoolSiftd, siftd_worker_serves_the_pool) {
  if (::access(SIFTD_BINARY, X_OK) != 0) GTEST_SKIP() << SIFTD_BINARY << " is not built";
  auto pool = WorkerPool::create(WorkerPoolOptions{SIFTD_BINARY, 1});
  ASSERT_TRUE(pool) << pool.error().detail;
  auto out = (*pool)->normalize(test::fixture("pattern.mp4"), Limits{});
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->kind, Kind::video);
}

TEST(WorkerPoolCreate, refuses_a_missing_executable) {
  auto pool = WorkerPool::create(WorkerPoolOptions{"/nonexistent/siftd", 1});
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().code, ErrorCode::internal);
}

TEST(WorkerPoolCreate, refuses_a_binary_that_is_not_a_worker) {
  auto pool = WorkerPool::create(WorkerPoolOptions{"/bin/true", 1});
  ASSERT_FALSE(pool);
  EXPECT_NE(pool.error().detail.find("did not start as a siftd worker"), std::string::npos);
}

}  // namespace
}  // namespace media

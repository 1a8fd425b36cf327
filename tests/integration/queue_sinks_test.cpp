// Queue sinks through the real binary: a Maildir-style directory queue, and a Redis stream
// on a real redis-server that restarts mid-run without a message being lost.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "redis_server.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

std::string config_for(const siftd_test::TempDir& dir, const std::string& queue) {
  return "[daemon]\ninbox = \"" + (dir / "inbox") + "\"\nout = \"" + (dir / "sorted") +
         "\"\nsettle_ms = 50\n[routes]\nroute_queue = \"" + queue + "\"\n";
}

std::size_t count_files(const std::string& folder) {
  if (!fs::exists(folder)) return 0;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

}  // namespace

TEST(QueueSinks, dirqueue_gets_one_complete_message_per_file) {
  siftd_test::TempDir dir;
  write_file(dir / "siftd.toml", config_for(dir, "dir:" + (dir / "queue")));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));
  for (int i = 0; i < 5; ++i)
    write_file(dir / ("inbox/q" + std::to_string(i) + ".png"), siftd_test::numbered_png(i));
  ASSERT_TRUE(wait_for([&] { return count_files(dir / "queue/new") == 5; }))
      << read_file(dir / "log");
  EXPECT_EQ(count_files(dir / "queue/tmp"), 0u);
  for (const auto& entry : fs::directory_iterator(dir / "queue/new")) {
    const auto message = nlohmann::json::parse(read_file(entry.path()));
    EXPECT_TRUE(fs::exists(message["path"].get<std::string>())) << message.dump();
    EXPECT_EQ(message["sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(message["kind"], "image");
    EXPECT_TRUE(message["decision"].contains("category"));
    EXPECT_EQ(entry.path().filename().string(), message["id"].get<std::string>() + ".json");
  }
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(QueueSinks, redis_stream_survives_a_server_restart_without_losing_a_message) {
  siftd_test::TempDir dir;
  fs::create_directories(dir / "redis");
  siftd_test::RedisServer redis(dir / "redis", siftd_test::free_port());
  ASSERT_TRUE(redis.ping());
  const std::string stream = "siftd:routed";
  write_file(dir / "siftd.toml",
             config_for(dir, "redis://127.0.0.1:" + std::to_string(redis.port()) + "/" + stream));
  siftd_test::DaemonProcess daemon({"run", "--config", dir / "siftd.toml", "--log-format", "text"},
                                   dir / "log");
  ASSERT_TRUE(siftd_test::wait_for_log(dir / "log", "watching"));

  for (int i = 0; i < 20; ++i)
    write_file(dir / ("inbox/a" + std::to_string(i) + ".png"), siftd_test::numbered_png(i));
  ASSERT_TRUE(wait_for([&] { return redis.stream_length(stream) == 20; }))
      << read_file(dir / "log");

  redis.stop();
  for (int i = 20; i < 40; ++i)
    write_file(dir / ("inbox/b" + std::to_string(i) + ".png"), siftd_test::numbered_png(i));
  ASSERT_TRUE(wait_for([&] {
    return count_files(dir / "sorted/screenshot") + count_files(dir / "sorted/other") +
               count_files(dir / "sorted/photo") >=
           80;
  }))  // 40 files + 40 sidecars
      << read_file(dir / "log");
  redis.start();
  ASSERT_TRUE(wait_for([&] { return redis.stream_length(stream) >= 40; }))
      << read_file(dir / "log");

  std::set<long long> ids;
  for (const auto& text : redis.messages(stream)) {
    const auto message = nlohmann::json::parse(text);
    ids.insert(message["file_id"].get<long long>());
    EXPECT_TRUE(fs::exists(message["path"].get<std::string>()));
  }
  EXPECT_EQ(ids.size(), 40u) << "every file announced, duplicates (if any) share an id";
  EXPECT_EQ(daemon.stop(), 0);
}

#include "pipeline/route/queue_url.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(QueueUrl, splits_host_port_and_name_with_the_kinds_default_port) {
  const QueueUrlKind redis{"Redis", "redis://", "STREAM", 6379};
  auto parsed = split_queue_url("redis://10.0.0.2/siftd:routed", redis);
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->host, "10.0.0.2");
  EXPECT_EQ(parsed->port, 6379);
  EXPECT_EQ(parsed->name, "siftd:routed");
  auto bad = split_queue_url("redis://h:63 79/s", redis);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("Redis URL has a bad port"), std::string::npos);
}

TEST(QueueUrl, a_logged_webhook_shows_its_host_but_not_its_path) {
  EXPECT_EQ(loggable_queue("webhook:https://hooks.example.com/services/T0/B0/secret-token"),
            "webhook:https://hooks.example.com/...");
  EXPECT_EQ(loggable_queue("webhook:http://127.0.0.1:8080?token=x"),
            "webhook:http://127.0.0.1:8080/...");
  EXPECT_EQ(loggable_queue("webhook:http://127.0.0.1:8080"), "webhook:http://127.0.0.1:8080");
  EXPECT_EQ(loggable_queue("redis://127.0.0.1:6379/s"), "redis://127.0.0.1:6379/s");
}

}  // namespace
}  // namespace pipeline

// The bounded queue between the service loop and the workers, with real threads: nothing is
// delivered twice or lost, a full queue refuses instead of blocking, and close() wakes every
// waiting worker. Run under ThreadSanitizer in CI (the tsan test preset).
#include "daemon/job_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace {

using daemon_core::JobQueue;

TEST(JobQueue, a_full_queue_refuses_and_the_caller_keeps_the_item) {
  JobQueue<int> queue(2);
  EXPECT_TRUE(queue.try_push(1));
  EXPECT_TRUE(queue.try_push(2));
  EXPECT_FALSE(queue.try_push(3));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_TRUE(queue.try_push(3));
  EXPECT_EQ(queue.pop(), 2);
  EXPECT_EQ(queue.pop(), 3);
}

TEST(JobQueue, close_returns_what_was_queued_and_refuses_more) {
  JobQueue<int> queue(4);
  ASSERT_TRUE(queue.try_push(7));
  ASSERT_TRUE(queue.try_push(8));
  const auto dropped = queue.close();
  EXPECT_EQ(dropped, (std::deque<int>{7, 8}));
  EXPECT_FALSE(queue.try_push(9));
  EXPECT_EQ(queue.pop(), std::nullopt);
}

TEST(JobQueue, close_wakes_every_waiting_worker) {
  JobQueue<int> queue(4);
  std::atomic<int> woken{0};
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      if (!queue.pop()) ++woken;
    });
  }
  queue.close();
  workers.clear();  // joins: a worker still asleep would hang the test here
  EXPECT_EQ(woken.load(), 3);
}

TEST(JobQueue, producers_and_workers_deliver_every_item_exactly_once) {
  constexpr int k_producers = 3;
  constexpr int k_per_producer = 2000;
  JobQueue<int> queue(8);  // small, so producers meet a full queue often
  std::mutex seen_mutex;
  std::multiset<int> seen;
  std::vector<std::jthread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] {
      while (auto item = queue.pop()) {
        std::lock_guard lock(seen_mutex);
        seen.insert(*item);
      }
    });
  }
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < k_producers; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < k_per_producer; ++i) {
          const int item = p * k_per_producer + i;
          while (!queue.try_push(item)) std::this_thread::yield();
        }
      });
    }
  }
  // Every item was pushed; wait until the workers have taken them all, then close.
  while (queue.size() > 0) std::this_thread::yield();
  const auto dropped = queue.close();
  workers.clear();
  EXPECT_TRUE(dropped.empty());
  std::lock_guard lock(seen_mutex);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(k_producers * k_per_producer));
  for (int item = 0; item < k_producers * k_per_producer; ++item) {
    EXPECT_EQ(seen.count(item), 1u) << item;
  }
}

}  // namespace

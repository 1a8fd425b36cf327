#pragma once
// A bounded, closable queue between the service loop and the workers. push() never blocks:
// when the queue is full the caller keeps the item and offers it again later (backpressure
// leaves files where they are).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace daemon_core {

template <typename T>
class JobQueue {
 public:
  explicit JobQueue(std::size_t capacity) : m_capacity(capacity) {}

  bool try_push(T item) {
    {
      std::lock_guard lock(m_mutex);
      if (m_closed || m_items.size() >= m_capacity) return false;
      m_items.push_back(std::move(item));
    }
    m_ready.notify_one();
    return true;
  }

  // Blocks until an item arrives or the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return m_closed || !m_items.empty(); });
    if (m_items.empty()) return std::nullopt;
    T item = std::move(m_items.front());
    m_items.pop_front();
    return item;
  }

  // Stops intake; items already queued are dropped (they were never claimed) and returned.
  std::deque<T> close() {
    std::deque<T> dropped;
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
      dropped.swap(m_items);
    }
    m_ready.notify_all();
    return dropped;
  }

  std::size_t size() const {
    std::lock_guard lock(m_mutex);
    return m_items.size();
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<T> m_items;
  std::size_t m_capacity;
  bool m_closed = false;
};

}  // namespace daemon_core

#pragma once
// Time as a port, the one clock of the whole tree: the model client's retry waits, rate
// buckets, breaker cool-down and daily spend, and the daemon's settling, rescans, parked
// retries and shutdown all read it, so tests run them on a fake clock and never really
// sleep. sleep_for() returns early, with false, once interrupt() was called.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace pipeline {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  virtual bool sleep_for(std::chrono::milliseconds duration) = 0;
  virtual void interrupt() = 0;
};

// The wait from `now` until `due` in whole milliseconds, rounded up: a poll() timeout rounded
// down wakes just before the deadline and costs a second round trip. Zero once due.
inline std::chrono::milliseconds wait_until(Clock::time_point due, Clock::time_point now) {
  if (due <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(due - now);
}

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
  bool sleep_for(std::chrono::milliseconds duration) override {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, duration, [this] { return m_interrupted; });
  }
  void interrupt() override {
    {
      std::lock_guard lock(m_mutex);
      m_interrupted = true;
    }
    m_wake.notify_all();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_interrupted = false;
};

}  // namespace pipeline

#pragma once
// A pipeline::Clock that moves only when a test says so: advance() moves it, and sleep_for()
// records the wait, moves time on by exactly that much and returns at once (false after
// interrupt()). on_sleep() lets a test act at each sleep, such as letting a worker finish
// while a shutdown waits on this clock.

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "pipeline/clock.h"

namespace fakes {

class FakeClock final : public pipeline::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(m_mutex);
    return m_steady;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    std::lock_guard lock(m_mutex);
    return m_wall;
  }
  bool sleep_for(std::chrono::milliseconds duration) override {
    std::function<void()> hook;
    {
      std::lock_guard lock(m_mutex);
      if (m_interrupted) return false;
      m_sleeps.push_back(duration);
      m_steady += duration;
      m_wall += duration;
      hook = m_on_sleep;
    }
    if (hook) hook();
    return true;
  }
  void interrupt() override {
    std::lock_guard lock(m_mutex);
    m_interrupted = true;
  }

  void advance(std::chrono::steady_clock::duration by) {
    std::lock_guard lock(m_mutex);
    m_steady += by;
    m_wall += by;
  }
  void set_wall(std::chrono::system_clock::time_point at) {
    std::lock_guard lock(m_mutex);
    m_wall = at;
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }
  // Runs after each sleep_for(), on the sleeping thread, with the clock already moved on.
  void on_sleep(std::function<void()> hook) {
    std::lock_guard lock(m_mutex);
    m_on_sleep = std::move(hook);
  }

 private:
  mutable std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_steady{std::chrono::hours(1)};
  // 2026-03-10 12:00:00 UTC
  std::chrono::system_clock::time_point m_wall{std::chrono::seconds(1'773'144'000)};
  std::vector<std::chrono::milliseconds> m_sleeps;
  bool m_interrupted = false;
  std::function<void()> m_on_sleep;
};

}  // namespace fakes

#pragma once
// A pipeline::Clock that never really sleeps: sleep_for() records the wait and moves time on.

#include <chrono>
#include <mutex>
#include <vector>

#include "pipeline/clock.h"

namespace pipeline_test {

class FakeClock final : public pipeline::Clock {
 public:
  std::chrono::steady_clock::time_point now() override {
    std::lock_guard lock(m_mutex);
    return m_steady;
  }
  std::chrono::system_clock::time_point wall_now() override {
    std::lock_guard lock(m_mutex);
    return m_wall;
  }
  bool sleep_for(std::chrono::milliseconds duration) override {
    std::lock_guard lock(m_mutex);
    if (m_interrupted) return false;
    m_sleeps.push_back(duration);
    m_steady += duration;
    m_wall += duration;
    return true;
  }
  void interrupt() override {
    std::lock_guard lock(m_mutex);
    m_interrupted = true;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(m_mutex);
    m_steady += by;
    m_wall += by;
  }
  void set_wall(std::chrono::system_clock::time_point at) {
    std::lock_guard lock(m_mutex);
    m_wall = at;
  }
  std::vector<std::chrono::milliseconds> sleeps() {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }

 private:
  std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_steady{std::chrono::hours(1)};
  // 2026-03-10 12:00:00 UTC
  std::chrono::system_clock::time_point m_wall{std::chrono::seconds(1'773'144'000)};
  std::vector<std::chrono::milliseconds> m_sleeps;
  bool m_interrupted = false;
};

}  // namespace pipeline_test

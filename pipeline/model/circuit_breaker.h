#pragma once
// Stops sending to an endpoint that keeps failing: after `failure_threshold` consecutive
// failures the circuit opens and refuses requests for `cooldown`; then a single probe is let
// through (half-open), and its result closes or reopens the circuit. Thread-safe.

#include <chrono>
#include <mutex>

#include "pipeline/clock.h"

namespace pipeline {

enum class CircuitState { closed, open, half_open };

class CircuitBreaker {
 public:
  CircuitBreaker(int failure_threshold, std::chrono::milliseconds cooldown, Clock& clock)
      : m_threshold(failure_threshold), m_cooldown(cooldown), m_clock(clock) {}

  // Whether a request may go now. In half-open state only the first caller gets true.
  bool allow();
  void record_success();
  void record_failure();
  CircuitState state();

 private:
  int m_threshold;
  std::chrono::milliseconds m_cooldown;
  Clock& m_clock;
  std::mutex m_mutex;
  CircuitState m_state = CircuitState::closed;
  int m_failures = 0;
  bool m_probing = false;
  std::chrono::steady_clock::time_point m_opened_at{};
};

}  // namespace pipeline

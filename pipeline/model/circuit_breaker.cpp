#include "pipeline/model/circuit_breaker.h"

namespace pipeline {

bool CircuitBreaker::allow() {
  std::lock_guard lock(m_mutex);
  if (m_threshold <= 0) return true;
  if (m_state == CircuitState::open && m_clock.now() - m_opened_at >= m_cooldown) {
    m_state = CircuitState::half_open;
    m_probing = false;
  }
  switch (m_state) {
    case CircuitState::closed: return true;
    case CircuitState::open: return false;
    case CircuitState::half_open:
      if (m_probing) return false;
      m_probing = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(m_mutex);
  m_state = CircuitState::closed;
  m_failures = 0;
  m_probing = false;
}

void CircuitBreaker::record_failure() {
  std::lock_guard lock(m_mutex);
  ++m_failures;
  if (m_state == CircuitState::half_open || (m_threshold > 0 && m_failures >= m_threshold)) {
    m_state = CircuitState::open;
    m_opened_at = m_clock.now();
    m_probing = false;
  }
}

CircuitState CircuitBreaker::state() {
  std::lock_guard lock(m_mutex);
  return m_state;
}

}  // namespace pipeline

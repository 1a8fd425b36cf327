#include "pipeline/model/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace pipeline {
namespace {

using std::chrono::milliseconds;

milliseconds wait_for_refill(double missing, int per_minute) {
  return milliseconds(static_cast<long long>(std::ceil(missing * 60'000.0 / per_minute)));
}

}  // namespace

RateLimiter::RateLimiter(RateLimits limits, Clock& clock)
    : m_limits(limits),
      m_clock(clock),
      m_requests(limits.requests_per_minute),
      m_tokens(limits.tokens_per_minute),
      m_last_refill(clock.now()) {}

void RateLimiter::refill(std::chrono::steady_clock::time_point now) {
  const double elapsed_ms = std::chrono::duration<double, std::milli>(now - m_last_refill).count();
  if (elapsed_ms <= 0) return;
  m_last_refill = now;
  m_requests = std::min<double>(m_limits.requests_per_minute,
                                m_requests + elapsed_ms * m_limits.requests_per_minute / 60'000.0);
  m_tokens = std::min<double>(m_limits.tokens_per_minute,
                              m_tokens + elapsed_ms * m_limits.tokens_per_minute / 60'000.0);
}

milliseconds RateLimiter::try_acquire(int tokens) {
  std::lock_guard lock(m_mutex);
  const auto now = m_clock.now();
  if (now < m_paused_until) {
    return std::max(milliseconds(1), std::chrono::ceil<milliseconds>(m_paused_until - now));
  }
  refill(now);
  milliseconds wait{0};
  if (m_limits.requests_per_minute > 0 && m_requests < 1) {
    wait = std::max(wait, wait_for_refill(1 - m_requests, m_limits.requests_per_minute));
  }
  // A request larger than the whole bucket goes once the bucket is full, and leaves it in debt.
  const double needed = std::min<double>(tokens, m_limits.tokens_per_minute);
  if (m_limits.tokens_per_minute > 0 && m_tokens < needed) {
    wait = std::max(wait, wait_for_refill(needed - m_tokens, m_limits.tokens_per_minute));
  }
  if (wait > milliseconds(0)) return wait;
  if (m_limits.requests_per_minute > 0) m_requests -= 1;
  if (m_limits.tokens_per_minute > 0) m_tokens -= tokens;
  return milliseconds(0);
}

void RateLimiter::pause_for(milliseconds duration) {
  std::lock_guard lock(m_mutex);
  m_paused_until = std::max(m_paused_until, m_clock.now() + duration);
}

void RateLimiter::park(Park park) {
  std::lock_guard lock(m_mutex);
  if (m_park && m_park->until > park.until && m_clock.wall_now() < m_park->until) return;
  m_park = std::move(park);
}

std::optional<Park> RateLimiter::parked() {
  std::lock_guard lock(m_mutex);
  if (m_park && m_clock.wall_now() >= m_park->until) m_park.reset();
  return m_park;
}

}  // namespace pipeline

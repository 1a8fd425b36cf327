#pragma once
// Client-side limits shared by every request to one endpoint: requests-per-minute and
// tokens-per-minute buckets, a pause for everyone after a 429, and a park until a quota resets.
// Thread-safe; it never sleeps itself, it says how long to wait.

#include <chrono>
#include <mutex>
#include <optional>

#include "pipeline/clock.h"

namespace pipeline {

struct RateLimits {
  int requests_per_minute = 0;  // 0: no limit
  int tokens_per_minute = 0;    // 0: no limit
};

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, Clock& clock);

  // Zero when a request of `tokens` may go now (and it was counted); otherwise how long to
  // wait before asking again.
  std::chrono::milliseconds try_acquire(int tokens);
  // Holds every request back for `duration` (after a 429), unless a longer pause is already on.
  void pause_for(std::chrono::milliseconds duration);
  // A per-day quota is spent: no request until `until`.
  void park_until(std::chrono::system_clock::time_point until);
  std::optional<std::chrono::system_clock::time_point> parked_until();

 private:
  void refill(std::chrono::steady_clock::time_point now);

  RateLimits m_limits;
  Clock& m_clock;
  std::mutex m_mutex;
  double m_requests;
  double m_tokens;
  std::chrono::steady_clock::time_point m_last_refill;
  std::chrono::steady_clock::time_point m_paused_until{};
  std::optional<std::chrono::system_clock::time_point> m_parked_until;
};

}  // namespace pipeline

#pragma once
// Client-side limits shared by every request to one endpoint: requests-per-minute and
// tokens-per-minute buckets, a pause for everyone after a 429, and a park (no request at all)
// until a quota resets or a server-asked wait longer than the configured cap has passed.
// Thread-safe; it never sleeps itself, it says how long to wait.

#include <chrono>
#include <mutex>
#include <optional>

#include <string>

#include "pipeline/clock.h"
#include "pipeline/error.h"

namespace pipeline {

// Why no request goes until `until`: ErrorCode::quota (a per-day quota is spent) or
// ErrorCode::paused (the server asked for a wait beyond the cap); `why` says it for people.
struct Park {
  std::chrono::system_clock::time_point until;
  ErrorCode code = ErrorCode::quota;
  std::string why;
};

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
  // No request until `park.until`; a later park replaces an earlier one.
  void park(Park park);
  // The park in force now, if any.
  std::optional<Park> parked();

 private:
  void refill(std::chrono::steady_clock::time_point now);

  RateLimits m_limits;
  Clock& m_clock;
  std::mutex m_mutex;
  double m_requests;
  double m_tokens;
  std::chrono::steady_clock::time_point m_last_refill;
  std::chrono::steady_clock::time_point m_paused_until{};
  std::optional<Park> m_park;
};

}  // namespace pipeline

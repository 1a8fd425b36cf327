#pragma once
// A Clock that moves only when a test says so.

#include "daemon/clock.h"

namespace daemon_core::test {

class FakeClock final : public Clock {
 public:
  time_point now() const override { return m_now; }
  void advance(std::chrono::milliseconds by) { m_now += by; }

 private:
  time_point m_now{std::chrono::hours(1)};
};

}  // namespace daemon_core::test

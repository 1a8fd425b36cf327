#pragma once
// Time as a port, so that tests drive the settler and the service loop without sleeping.

#include <chrono>

namespace daemon_core {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace daemon_core

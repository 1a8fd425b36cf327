#pragma once
// wait_for: every wait in a test is bounded. It polls a condition until it holds or a
// generous bound passes, and says which; a test asserts on the answer, never on how long it took.

#include <chrono>
#include <functional>
#include <thread>

namespace siftd_test {

inline bool wait_for(const std::function<bool()>& done,
                     std::chrono::milliseconds bound = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return done();
}

}  // namespace siftd_test

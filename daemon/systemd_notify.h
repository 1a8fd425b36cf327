#pragma once
// Talks to systemd through $NOTIFY_SOCKET (READY=1, STATUS=, WATCHDOG=1, STOPPING=1).
// Every call is a no-op when the process was not started by systemd.

#include <chrono>
#include <string>

namespace daemon_core {

class SystemdNotifier {
 public:
  SystemdNotifier();
  void ready(const std::string& status);
  void status(const std::string& status);
  void stopping();
  void reloading();
  // Sends WATCHDOG=1 when the watchdog is on and half its interval has passed.
  void ping_watchdog();
  bool watchdog_enabled() const { return m_watchdog_interval.count() > 0; }
  // How long the service loop may block and still ping in time.
  std::chrono::milliseconds max_wait(std::chrono::milliseconds wanted) const;

 private:
  std::chrono::microseconds m_watchdog_interval{0};
  std::chrono::steady_clock::time_point m_last_ping{};
};

}  // namespace daemon_core

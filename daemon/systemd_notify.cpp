#include "daemon/systemd_notify.h"

#include <algorithm>

#include <systemd/sd-daemon.h>

namespace daemon_core {

SystemdNotifier::SystemdNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) m_watchdog_interval = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready(const std::string& status) {
  sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void SystemdNotifier::status(const std::string& status) {
  sd_notify(0, ("STATUS=" + status).c_str());
}

void SystemdNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::reloading() {
  sd_notify(0, "RELOADING=1");
}

std::chrono::milliseconds SystemdNotifier::max_wait(std::chrono::milliseconds wanted) const {
  if (!watchdog_enabled()) return wanted;
  const auto quarter =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_watchdog_interval / 4);
  return std::max(std::chrono::milliseconds(1), std::min(wanted, quarter));
}

void SystemdNotifier::ping_watchdog() {
  if (!watchdog_enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_ping < m_watchdog_interval / 2) return;
  m_last_ping = now;
  sd_notify(0, "WATCHDOG=1");
}

}  // namespace daemon_core

#include "pipeline/route/backoff_publisher.h"

#include <algorithm>

namespace pipeline {

Result<void> BackoffPublisher::publish(const std::string& message_id, const std::string& payload) {
  const auto started = m_clock->now();
  {
    std::lock_guard lock(m_mutex);
    const auto now = started;
    if (m_failures > 0 && now < m_next_attempt) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(m_next_attempt - now).count();
      return fail(ErrorCode::queue,
                  "retrying in " + std::to_string(left) + " ms after: " + m_last_error);
    }
  }
  // The attempt itself runs unlocked: the inner publisher serializes what it must.
  auto published = m_inner->publish(message_id, payload);
  std::lock_guard lock(m_mutex);
  if (published) {
    m_failures = 0;
    return published;
  }
  // Attempts that overlapped one already counted (workers publishing at the same moment) are
  // the same outage seen twice: they do not lengthen the wait.
  if (m_failures == 0 || started >= m_failed_at) m_failures = std::min(m_failures + 1, 30);
  m_failed_at = m_clock->now();
  auto wait = m_settings.first;
  for (int i = 1; i < m_failures && wait < m_settings.max; ++i) wait *= 2;
  m_next_attempt = m_failed_at + std::min(wait, m_settings.max);
  m_last_error = published.error().detail;
  return published;
}

}  // namespace pipeline

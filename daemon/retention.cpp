#include "daemon/retention.h"

#include <spdlog/spdlog.h>

namespace daemon_core {

void Retention::step(int retain_days, pipeline::Journal& journal,
                     pipeline::DecisionLog* decisions) {
  if (retain_days <= 0 || m_clock.now() < m_next) return;
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.wall_now().time_since_epoch())
          .count();
  const std::int64_t before = now_ms - std::int64_t{retain_days} * 86'400'000;
  auto rows = journal.prune_finished(before, k_batch);
  auto logged = decisions ? decisions->prune(before, k_batch) : pipeline::Result<int>(0);
  if (!rows || !logged) {
    spdlog::warn("retention: {}", !rows ? rows.error().detail : logged.error().detail);
    m_next = m_clock.now() + std::chrono::hours(1);
    return;
  }
  m_removed_rows += *rows;
  m_removed_decisions += *logged;
  if (*rows == k_batch || *logged == k_batch) {
    m_next = m_clock.now() + std::chrono::seconds(1);  // more to do; the loop goes on meanwhile
    return;
  }
  if (m_removed_rows + m_removed_decisions > 0) {
    spdlog::info("retention: removed {} journal rows and {} decision-log rows older than {} days",
                 m_removed_rows, m_removed_decisions, retain_days);
  }
  m_removed_rows = 0;
  m_removed_decisions = 0;
  m_next = m_clock.now() + std::chrono::hours(1);
}

}  // namespace daemon_core

#pragma once
// daemon.retain_days: finished journal rows and decision-log rows older than that are removed,
// a small batch at a time from the service loop, so a large backlog never holds the journal
// long enough to keep a worker waiting. FIXME: result-cache entries are not pruned yet (its
// module, pipeline/model/, needs an age query first).

#include <chrono>
#include <cstdint>

#include "pipeline/clock.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"

namespace daemon_core {

class Retention {
 public:
  static constexpr int k_batch = 500;

  explicit Retention(pipeline::Clock& clock) : m_clock(clock) {}

  // Removes one batch when one is due: at start, then hourly, and every second while the last
  // batch was full. `retain_days` 0 keeps everything. Ages are by the clock's wall time, which
  // is what the rows hold.
  void step(int retain_days, pipeline::Journal& journal, pipeline::DecisionLog* decisions);

 private:
  pipeline::Clock& m_clock;
  pipeline::Clock::time_point m_next{};
  int m_removed_rows = 0;  // in this round, for its one log line
  int m_removed_decisions = 0;
};

}  // namespace daemon_core

// `siftd log`: exports the decision log (one row per decision attempt, from the journal's
// database) as JSON lines or as CSV with one header row.
#include <filesystem>
#include <iostream>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"

namespace daemon_core {

int command_log(const CommandOptions& options) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return k_exit_usage;
  }
  std::int64_t since_ms = 0;
  if (options.since) {
    const auto parsed = pipeline::parse_since(*options.since, pipeline::now_ms());
    if (!parsed) {
      std::cerr << "siftd: --since " << *options.since
                << ": expected an ISO date or date-time (UTC), or an age such as 90m, 1h or 2d\n";
      return k_exit_usage;
    }
    since_ms = *parsed;
  }
  const std::string path = config->journal_path();
  if (!std::filesystem::exists(path)) {
    std::cerr << "siftd: no journal at " << path << "\n";
    return k_exit_failure;
  }
  auto log = pipeline::DecisionLog::open(path);
  if (!log) {
    std::cerr << "siftd: " << log.error().detail << "\n";
    return k_exit_failure;
  }
  auto rows = (*log)->since(since_ms);
  if (!rows) {
    std::cerr << "siftd: " << rows.error().detail << "\n";
    return k_exit_failure;
  }
  const bool csv = options.format == "csv";
  if (csv) std::cout << pipeline::decision_csv_header();
  for (const auto& row : *rows)
    std::cout << (csv ? pipeline::to_csv_line(row) : pipeline::to_json_line(row));
  return std::cout.flush() ? k_exit_ok : k_exit_failure;
}

}  // namespace daemon_core

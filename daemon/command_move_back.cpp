// `siftd requeue` and `siftd undo`: both move files siftd placed back into the inbox, from
// the journal's records, and never touch a file that was moved or changed since.
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "pipeline/display_text.h"
#include "pipeline/file_hash.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"
#include "pipeline/route/placement.h"

namespace daemon_core {
namespace {

namespace fs = std::filesystem;
using pipeline::printable;

std::string absolute(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

// Moves one placed file back into the inbox under its original name (or a free variant),
// removes its sidecar, and notes it on the journal row. False when it was skipped.
bool move_back(pipeline::Journal& journal, pipeline::FileRecord record, const std::string& inbox,
               const std::string& sidecar_suffix, pipeline::Outcome new_outcome) {
  const std::string placed = record.destination;
  auto hash = pipeline::sha256_file(placed);
  if (!hash) {
    std::cerr << "skipped file=" << record.id << " \"" << printable(placed)
              << "\": it is no longer there\n";
    return false;
  }
  if (*hash != record.sha256) {
    std::cerr << "skipped file=" << record.id << " \"" << printable(placed)
              << "\": it changed since siftd placed it\n";
    return false;
  }
  auto moved = pipeline::place_file(placed, inbox, record.name, record.sha256);
  if (!moved) {
    std::cerr << "skipped file=" << record.id << ": " << moved.error().detail << "\n";
    return false;
  }
  std::error_code ignored;
  fs::remove(placed + sidecar_suffix, ignored);
  record.outcome = new_outcome;
  record.destination = *moved;
  if (auto ok = journal.update(record); !ok) std::cerr << "journal: " << ok.error().detail << "\n";
  std::cout << printable(placed) << " -> " << printable(*moved) << "\n";
  return true;
}

struct Opened {
  Config config;
  std::unique_ptr<pipeline::Journal> journal;
};

std::optional<Opened> open_for_tool(const CommandOptions& options, int& status) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    status = k_exit_usage;
    return std::nullopt;
  }
  auto journal = pipeline::Journal::open(config->journal_path());
  if (!journal) {
    std::cerr << "siftd: " << journal.error().detail << "\n";
    status = k_exit_failure;
    return std::nullopt;
  }
  return Opened{std::move(*config), std::move(*journal)};
}

}  // namespace

int command_requeue(const CommandOptions& options) {
  int status = k_exit_ok;
  auto opened = open_for_tool(options, status);
  if (!opened) return status;
  if (options.files.empty() && !options.all) {
    std::cerr << "siftd: name quarantined files, or --all\n";
    return k_exit_usage;
  }
  auto quarantined = opened->journal->in_state(pipeline::FileState::quarantined);
  if (!quarantined) {
    std::cerr << "siftd: " << quarantined.error().detail << "\n";
    return k_exit_failure;
  }
  std::set<std::string> wanted;
  for (const auto& file : options.files) wanted.insert(absolute(file));
  const std::string inbox = absolute(opened->config.inbox);
  std::size_t moved = 0;
  std::size_t asked = 0;
  for (const auto& record : *quarantined) {
    if (record.outcome == pipeline::Outcome::requeued) continue;
    if (!options.all && !wanted.count(record.destination)) continue;
    wanted.erase(record.destination);
    ++asked;
    if (move_back(*opened->journal, record, inbox, ".error.json", pipeline::Outcome::requeued))
      ++moved;
  }
  for (const auto& missing : wanted) {
    std::cerr << "siftd: \"" << printable(missing)
              << "\" is not a quarantined file in the journal\n";
  }
  std::cerr << "requeued " << moved << " of " << asked + wanted.size() << " files into " << inbox
            << "\n";
  return moved == asked + wanted.size() ? k_exit_ok : k_exit_failure;
}

int command_undo(const CommandOptions& options) {
  int status = k_exit_ok;
  auto opened = open_for_tool(options, status);
  if (!opened) return status;
  const auto since = pipeline::parse_since(options.since.value_or(""), pipeline::now_ms());
  if (!since) {
    std::cerr << "siftd: --since takes an ISO date or time (UTC) or an age such as 90m, 1h, 2d\n";
    return k_exit_usage;
  }
  auto rows = opened->journal->updated_since(*since);
  if (!rows) {
    std::cerr << "siftd: " << rows.error().detail << "\n";
    return k_exit_failure;
  }
  const std::string inbox = absolute(opened->config.inbox);
  std::size_t moved = 0;
  std::size_t skipped = 0;
  for (const auto& record : *rows) {
    if (record.state != pipeline::FileState::done || record.destination.empty() ||
        record.outcome == pipeline::Outcome::vanished ||
        record.outcome == pipeline::Outcome::undone ||
        record.outcome == pipeline::Outcome::requeued) {
      continue;
    }
    if (move_back(*opened->journal, record, inbox, ".siftd.json", pipeline::Outcome::undone)) {
      ++moved;
    } else {
      ++skipped;
    }
  }
  std::cerr << "moved " << moved << " files back into " << inbox << ", skipped " << skipped << "\n";
  return k_exit_ok;
}

}  // namespace daemon_core

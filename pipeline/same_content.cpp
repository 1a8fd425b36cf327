#include "pipeline/same_content.h"

#include <algorithm>

#include "pipeline/file_hash.h"

namespace pipeline {
namespace {

bool is_placed(const FileRecord& row) {
  if (row.state != FileState::done || row.destination.empty() || !row.outcome) return false;
  const Outcome outcome = *row.outcome;
  return outcome == Outcome::route || outcome == Outcome::escalate || outcome == Outcome::review;
}

bool is_finished(const FileRecord& row) {
  return row.state == FileState::done || row.state == FileState::quarantined;
}

}  // namespace

Result<SameContent> find_same_content(Journal& journal, const FileRecord& record) {
  SameContent found;
  if (record.sha256.empty()) return found;
  auto rows = journal.with_sha256(record.sha256);
  if (!rows) return tl::unexpected(rows.error());
  // Newest first: the copy placed last is the likeliest to be still where it was put.
  std::reverse(rows->begin(), rows->end());
  for (auto& row : *rows) {
    if (row.id == record.id) continue;
    // Only an earlier job is waited for, so two copies never wait for each other.
    if (!is_finished(row) && row.id < record.id && row.state != FileState::discovered) {
      if (!found.in_flight) found.in_flight = row;
      continue;
    }
    if (found.placed || !is_placed(row)) continue;
    auto hash = sha256_file(row.destination);
    if (hash && *hash == record.sha256) found.placed = std::move(row);
  }
  return found;
}

}  // namespace pipeline

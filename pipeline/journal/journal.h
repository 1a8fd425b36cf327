#pragma once
// The SQLite journal (WAL mode): one row per input file with its current state, plus an
// append-only event per transition. Every transition is committed before the side effect
// that follows it, so a restart resumes each file from its last durable stage.
// One Journal serves all threads. Their writes are group-committed: while one commit waits for
// its fsync, the writes of other threads queue, and the next commit carries all of them, so
// workers finishing together share one fsync; each write still returns only once durable.
// The highest id given out is also kept beside the file, so a journal that lost rows says so.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/error.h"
#include "pipeline/job.h"
#include "pipeline/journal/id_high_water.h"
#include "pipeline/journal/sync_mode.h"

namespace pipeline {

class Journal {
 public:
  static Result<std::unique_ptr<Journal>> open(const std::string& path,
                                               SyncMode sync = SyncMode::full);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Inserts a new row and sets record.id.
  Result<void> insert(FileRecord& record);
  // Writes every column of the row and appends an event for its state.
  Result<void> update(FileRecord& record);

  Result<std::optional<FileRecord>> get(std::int64_t id);
  Result<std::vector<FileRecord>> unfinished();
  Result<std::vector<FileRecord>> in_state(FileState state);
  Result<std::vector<FileRecord>> updated_since(std::int64_t since_ms);
  Result<std::map<std::string, std::int64_t>> count_by_state();
  // Removes up to `limit` finished rows (done or quarantined) last updated before `before_ms`,
  // with their events, oldest first; the newest row always stays, so the ids given out are
  // still known. Returns how many rows went.
  Result<int> prune_finished(std::int64_t before_ms, int limit);
  // Every row whose file has these bytes (its content hash), oldest first.
  Result<std::vector<FileRecord>> with_sha256(const std::string& sha256);
  // Whether some unfinished row already holds this work or source path.
  Result<bool> is_tracked(const std::string& source_path);

  const std::string& path() const { return m_path; }
  // Transactions committed by insert() and update() so far: with group commit, fewer than the
  // writes when threads write together (each commit is one fsync under SyncMode::full).
  std::uint64_t commits() const { return m_commits.load(); }

  // Why the journal is missing rows it once had (more ids were given out than it holds: its
  // WAL deleted after a crash, the file emptied or replaced), or "" when it is whole. New ids
  // then go on after the highest one given out, never reusing one.
  const std::string& lost_history() const { return m_lost_history; }
  // Makes every new id higher than `id`, one known to have been given out before.
  Result<void> continue_ids_after(std::int64_t id);

 private:
  struct Impl;
  Journal(std::string path, std::unique_ptr<Impl> impl);
  Result<std::vector<FileRecord>> select(const std::string& where, std::int64_t argument);
  Result<std::int64_t> highest_id();
  Result<void> check_history();
  // Applies `write` in the next group commit and returns once that commit is durable (or
  // failed). `write` runs on whichever thread leads the commit, holding m_mutex.
  Result<void> commit_grouped(const std::function<Result<void>()>& write);
  struct QueuedWrite;
  void commit_batch(const std::vector<QueuedWrite*>& batch);

  std::string m_path;
  std::unique_ptr<Impl> m_impl;
  std::mutex m_mutex;
  IdHighWater m_high_water;       // beside the journal file: outlives a lost WAL
  std::int64_t m_next_above = 0;  // when set, the next insert takes this id + 1
  std::string m_lost_history;

  std::mutex m_queue_mutex;  // never held while waiting for m_mutex's holder to commit
  std::condition_variable m_committed;
  std::vector<QueuedWrite*> m_queued;
  bool m_committing = false;
  std::atomic<std::uint64_t> m_commits{0};
};

}  // namespace pipeline

#pragma once
// Runs normalize_file() in long-lived worker processes (`<executable> worker`), so that a
// decoder that crashes, hangs or eats memory costs one file, not the daemon. Each call takes an
// idle worker, sends the path and limits, and waits with a deadline; a dead or stuck worker is
// killed and replaced. Workers start with an allow-listed environment (worker_environment.h)
// and sandbox themselves before their first file (worker_sandbox.h).
// Thread-safe: one worker per concurrent caller, up to `size`.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "media/error.h"
#include "media/limits.h"
#include "media/normalized.h"

namespace media {

struct WorkerPoolOptions {
  std::string executable;       // started as `<executable> worker`; empty means this very binary
  int size = 2;                 // worker processes, normally one per daemon worker thread
  int grace_ms = 1000;          // past limits.decode_timeout_ms before the worker is killed
  bool inherit_stderr = false;  // else decoder chatter (libpng, libjpeg) goes to /dev/null
};

struct WorkerPoolStats {
  std::uint64_t peak_worker_rss_kb = 0;  // the largest peak RSS any worker reported
  int spawned = 0;                       // worker processes started
  int killed = 0;                        // workers that crashed, hung or were killed
};

class WorkerPool {
 public:
  static Result<std::unique_ptr<WorkerPool>> create(WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A crash is retried once on a fresh worker; a second crash returns `crashed`, a missed
  // deadline returns `timeout` at once.
  Result<Normalized> normalize(const std::string& path, const Limits& limits);

  WorkerPoolStats stats() const;

 private:
  struct Worker;
  explicit WorkerPool(WorkerPoolOptions options);
  Worker& acquire();
  void release(Worker& worker);
  Result<Normalized> run_once(Worker& worker, const std::string& path, const Limits& limits);
  Result<bool> spawn(Worker& worker);
  void kill(Worker& worker);

  WorkerPoolOptions m_options;
  mutable std::mutex m_mutex;
  std::condition_variable m_idle;
  std::vector<std::unique_ptr<Worker>> m_workers;
  WorkerPoolStats m_stats;
};

}  // namespace media

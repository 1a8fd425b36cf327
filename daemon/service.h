#pragma once
// The daemon's service loop: watch -> settle -> queue -> workers (claim, run).
//
// DESIGN: one thread (the caller of run()) owns the watcher and the settler and only moves
// paths; N worker threads take jobs from a bounded queue and run the pipeline. Signals come
// through a signalfd polled beside inotify, so there is no async signal handler. step() is
// public so tests can drive the loop; the Clock is injected so they need not sleep.
//   start     probe the model (a refused key or an unknown model stops the start; an endpoint
//             that is down only degrades it), put claimed files the journal lost back into the
//             inbox (said loudly), resume every unfinished journal row, watch the inbox, scan what
//             is there, READY
//   step      poll (inotify, signals) until the settler's next deadline; feed the settler;
//             queue ready files; rescan on overflow or on the periodic timer; retry parked
//             work when due; remove one batch of rows past daemon.retain_days when due;
//             ping the systemd watchdog (from this loop, so a stuck loop
//             stops the pings)
//   reload    SIGHUP: parse the configuration again; a bad one is refused and the old one
//             stays; a good one replaces the Runtime for new jobs (in-flight jobs finish
//             with the one they started with) and re-watches a changed inbox
//   check     each step: a deleted work area is recreated; a deleted journal stops the
//             service (run() returns, failure() says why, the process exits 1)
//   stop      stop intake, let workers finish within the shutdown timeout, else park them

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/assembly.h"
#include "daemon/config.h"
#include "daemon/disk_space_guard.h"
#include "daemon/instance_lock.h"
#include "daemon/job_queue.h"
#include "daemon/model_state_file.h"
#include "daemon/retention.h"
#include "daemon/systemd_notify.h"
#include "daemon/watched_folders.h"
#include "daemon/work_area_guard.h"
#include "pipeline/clock.h"
#include "pipeline/metrics.h"

namespace daemon_core {

struct Job {
  std::string source;  // a path to claim (into work_area), or
  std::string work_area;
  std::optional<pipeline::FileRecord> resumed;  // a journal row to resume
};

// Where a reload reads the configuration from (the file plus the command line's overrides).
using ConfigSource = std::function<Result<Config>()>;

// What a Service is built from besides its configuration: time, where a reload reads the
// configuration, and how the decoder and the model are made. `siftd run` passes the real
// ones; tests pass a FakeClock and fake engines and drive step() themselves.
struct ServicePorts {
  pipeline::Clock& clock;
  ConfigSource reload_source = {};
  EngineFactory engines = make_engines;
  // The running instance's lock; a reload that changes the folders moves it (optional).
  InstanceLock* lock = nullptr;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> create(Config config, ServicePorts ports);
  ~Service();

  Result<void> start();
  void step(std::chrono::milliseconds max_wait);
  void run();
  // Re-reads the configuration; returns false (old one kept) when the new one is bad.
  bool reload();
  // Stops intake and waits for the workers; returns the number of files parked mid-job.
  std::size_t shutdown();

  // Thread-safe views for the HTTP endpoints.
  pipeline::Metrics& metrics() { return *m_metrics; }
  std::string status_json() const;
  bool is_ready(std::string& why) const;
  // Why the service stopped on its own (its journal was deleted, say), or "" when it did not.
  std::string failure() const;

 private:
  Service(Config config, ServicePorts ports, std::unique_ptr<pipeline::Journal> journal,
          std::shared_ptr<const Runtime> runtime, media::UniqueFd signals);
  std::shared_ptr<const Runtime> runtime() const;
  Result<void> watch_folders();
  Result<void> probe_model();
  void worker_loop();
  void offer(const ReadyFile& file);
  void feed_queue();
  void requeue_parked();
  void flush_outbox();
  void handle_signal(int signal);
  void record(const pipeline::JobReport& report);
  void record_answer(const pipeline::Answer& answer);
  void release(const std::string& source);
  void update_status();
  void check_work_areas();
  void describe_metrics();

  Config m_config;  // the loop thread's copy; workers read the Runtime's
  pipeline::Clock& m_clock;
  std::unique_ptr<pipeline::Journal> m_journal;
  std::unique_ptr<pipeline::Outbox> m_outbox;
  mutable std::mutex m_runtime_mutex;
  std::shared_ptr<const Runtime> m_runtime;
  std::unique_ptr<WatchedFolders> m_folders;
  media::UniqueFd m_signals;
  ConfigSource m_reload_source;
  InstanceLock* m_lock;
  EngineFactory m_engines;
  JobQueue<Job> m_queue;
  std::deque<Job> m_backlog;  // ready, but the queue is full: files wait where they are
  std::mutex m_claim_mutex;
  std::set<std::string> m_claiming;  // sources queued or being claimed: never queued twice
  std::mutex m_parked_mutex;
  std::deque<std::pair<pipeline::Clock::time_point, pipeline::FileRecord>> m_parked;
  std::vector<std::jthread> m_workers;
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_started{false};
  std::atomic<bool> m_watching{false};
  std::atomic<std::size_t> m_busy{0};
  std::atomic<std::uint64_t> m_done{0};
  std::atomic<std::uint64_t> m_quarantined{0};
  SystemdNotifier m_notifier;
  std::shared_ptr<pipeline::Metrics> m_metrics;  // shared with the model tier
  pipeline::Clock::time_point m_last_flush{};
  pipeline::Clock::time_point m_last_status{};
  std::string m_last_status_text;
  DiskSpaceGuard m_disk_space;
  std::int64_t m_started_ms = 0;
  WorkAreaGuard m_work_areas;
  Retention m_retention;
  ModelStateFile m_model_state;  // what `siftd status` shows of the model tier
  std::string m_history_lost;    // why the journal lost rows; written before m_started
  mutable std::mutex m_failure_mutex;
  std::string m_failure;
};

}  // namespace daemon_core

#pragma once
// The daemon's service loop: watch -> settle -> queue -> workers (claim, run).
//
// DESIGN: one thread (the caller of run()) owns the watcher and the settler and only moves
// paths; N worker threads take them from a bounded queue and run the pipeline. Signals come
// through a signalfd polled beside inotify, so there is no async signal handler. step() is
// public so tests can drive the loop; the Clock is injected so they never sleep.
//   start     resume every unfinished journal row, watch the inbox, scan what is there
//   step      poll (inotify, signals) until the settler's next deadline, feed the settler,
//             queue ready files, rescan on overflow or on the periodic timer, ping systemd
//   stop      stop intake, let workers finish within the shutdown timeout, else park

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/assembly.h"
#include "daemon/clock.h"
#include "daemon/config.h"
#include "daemon/inotify_watcher.h"
#include "daemon/job_queue.h"
#include "daemon/settler.h"
#include "daemon/systemd_notify.h"

namespace daemon_core {

struct Job {
  std::string source;                       // a path to claim, or
  std::optional<pipeline::FileRecord> resumed;  // a journal row to resume
};

struct ServiceCounters {
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> quarantined{0};
  std::atomic<std::uint64_t> in_flight{0};
};

class Service {
 public:
  static tl::expected<std::unique_ptr<Service>, std::string> create(Config config, const Clock& clock);
  ~Service();

  // Starts workers, resumes the journal, sets the watches and scans. Then READY=1.
  tl::expected<void, std::string> start();
  // One turn of the loop; waits at most `max_wait` for events.
  void step(std::chrono::milliseconds max_wait);
  void run();
  void request_stop() { m_stopping = true; }
  bool stopping() const { return m_stopping; }
  // Stops intake and waits for the workers; returns the number of files parked mid-job.
  std::size_t shutdown();

  const ServiceCounters& counters() const { return m_counters; }

 private:
  Service(Config config, const Clock& clock, PipelineParts parts, InotifyWatcher watcher, UniqueFd signals);
  void worker_loop();
  void handle_events(const std::vector<WatchEvent>& events);
  void scan(const std::string& root);
  void offer(const std::string& path);
  void feed_queue();
  void handle_signal(int signal);
  bool is_excluded_folder(const std::string& folder) const;
  void log_report(const pipeline::JobReport& report);
  void release(const std::string& source);

  Config m_config;
  const Clock& m_clock;
  PipelineParts m_parts;
  InotifyWatcher m_watcher;
  UniqueFd m_signals;
  Settler m_settler;
  JobQueue<Job> m_queue;
  std::deque<Job> m_backlog;       // ready but the queue is full
  std::mutex m_claim_mutex;
  std::set<std::string> m_claiming;  // sources queued or being claimed: never queued twice
  std::vector<std::jthread> m_workers;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::size_t> m_busy{0};
  SystemdNotifier m_notifier;
  ServiceCounters m_counters;
  Clock::time_point m_last_rescan{};
  Clock::time_point m_last_status{};
  std::string m_work_area;
};

}  // namespace daemon_core

#include "media/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "media/sanitizers.h"
#include "media/worker_environment.h"
#include "media/worker_protocol.h"

extern char** environ;

namespace media {

struct WorkerPool::Worker {
  pid_t pid = -1;
  int fd = -1;  // our end of the socketpair; the worker has the other as stdin and stdout
  bool busy = false;
  // The limits of its first file: the worker made them hard limits, so it serves no other.
  std::optional<std::pair<std::uint64_t, int>> limits;  // memory MiB, decode timeout ms
};

namespace {

using Clock = std::chrono::steady_clock;

// SIFTD_WORKER_BINARY names the worker explicitly (tests of code that builds a pool inside a
// test binary); otherwise this very binary, which must be siftd to understand `worker`.
std::string default_executable() {
  if (const char* named = std::getenv("SIFTD_WORKER_BINARY"); named && *named) return named;
  char buffer[4096];
  const ssize_t size = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (size <= 0) return {};
  const std::string self(buffer, static_cast<std::size_t>(size));
  return self.substr(self.find_last_of('/') + 1) == "siftd" ? self : std::string();
}

// Time a new worker has to load its libraries and say hello.
constexpr int k_hello_ms = 10'000;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// MSG_NOSIGNAL: a worker that died must not take the daemon down with SIGPIPE.
bool send_all(int fd, const std::string& bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const ssize_t sent = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    at += static_cast<std::size_t>(sent);
  }
  return true;
}

enum class ReadOutcome { done, closed, timed_out, over_memory };

// What the reader watches while it waits: the worker's resident memory, read from /proc every
// k_watch_ms. RLIMIT_AS already bounds address space; this catches what it cannot (ASan builds,
// which run without RLIMIT_AS, and memory mapped before the limit was set).
struct MemoryWatch {
  pid_t pid = -1;
  std::uint64_t limit_kb = 0;  // 0: not watched
};

constexpr int k_watch_ms = 100;

std::uint64_t resident_kb(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/statm";
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (!file) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  return read == 2 ? resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024 : 0;
}

ReadOutcome receive_all(int fd, char* data, std::size_t size, Clock::time_point deadline,
                        MemoryWatch watch = {}) {
  while (size > 0) {
    pollfd entry{fd, POLLIN, 0};
    const int wait =
        watch.limit_kb ? std::min(k_watch_ms, remaining_ms(deadline)) : remaining_ms(deadline);
    const int ready = ::poll(&entry, 1, wait);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ReadOutcome::closed;
    if (ready == 0) {
      if (Clock::now() >= deadline) return ReadOutcome::timed_out;
      if (watch.limit_kb && resident_kb(watch.pid) > watch.limit_kb)
        return ReadOutcome::over_memory;
      continue;
    }
    const ssize_t got = ::recv(fd, data, size, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return ReadOutcome::closed;
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return ReadOutcome::done;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = sigdescr_np(signal);
    return std::string("the worker was killed by signal ") + std::to_string(signal) + " (" +
           (name ? name : "?") + ")";
  }
  if (WIFEXITED(status))
    return "the worker exited with status " + std::to_string(WEXITSTATUS(status));
  return "the worker stopped";
}

}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options) : m_options(std::move(options)) {}

Result<std::unique_ptr<WorkerPool>> WorkerPool::create(WorkerPoolOptions options) {
  if (options.executable.empty()) options.executable = default_executable();
  if (options.executable.empty() || ::access(options.executable.c_str(), X_OK) != 0) {
    return fail(ErrorCode::internal,
                "no worker executable (not running as siftd, and "
                "SIFTD_WORKER_BINARY unset): " +
                    options.executable);
  }
  if (options.size < 1) options.size = 1;
  std::unique_ptr<WorkerPool> pool(new WorkerPool(std::move(options)));
  for (int i = 0; i < pool->m_options.size; ++i)
    pool->m_workers.push_back(std::make_unique<Worker>());
  // One worker starts now, to prove the executable is a worker; the rest start on demand.
  if (auto started = pool->spawn(*pool->m_workers.front()); !started) {
    return tl::unexpected(started.error());
  }
  return pool;
}

WorkerPool::~WorkerPool() {
  for (auto& worker : m_workers) kill(*worker);
}

WorkerPoolStats WorkerPool::stats() const {
  std::lock_guard lock(m_mutex);
  return m_stats;
}

WorkerPool::Worker& WorkerPool::acquire() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    for (auto& worker : m_workers) {
      if (!worker->busy) {
        worker->busy = true;
        return *worker;
      }
    }
    m_idle.wait(lock);
  }
}

void WorkerPool::release(Worker& worker) {
  {
    std::lock_guard lock(m_mutex);
    worker.busy = false;
  }
  m_idle.notify_one();
}

Result<bool> WorkerPool::spawn(Worker& worker) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return fail(ErrorCode::internal, std::string("socketpair: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  // Sanitizer builds keep the worker's stderr: that is where ASan and UBSan report.
  if (!m_options.inherit_stderr && !k_address_sanitizer) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  // Nothing else of the daemon (inotify, journal, sockets) leaks into a decoder process.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigfillset(&defaults);
  // The daemon blocks signals for its signalfd; the worker starts with a clean slate.
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string executable = m_options.executable;
  std::string command = "worker";
  char* argv[] = {executable.data(), command.data(), nullptr};
  // Only what the decoders read: the daemon's API key and credentials stay with the daemon.
  std::vector<std::string> environment = worker_environment(environ);
  std::vector<char*> envp;
  envp.reserve(environment.size() + 1);
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, executable.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return fail(ErrorCode::internal, "cannot start a worker: " + std::string(std::strerror(rc)));
  }
  worker.pid = pid;
  worker.fd = fds[0];
  {
    std::lock_guard lock(m_mutex);
    ++m_stats.spawned;
  }
  const std::string hello = k_worker_hello;
  unsigned char header[4];
  std::string greeting(hello.size(), '\0');
  const auto deadline = Clock::now() + std::chrono::milliseconds(k_hello_ms);
  if (receive_all(worker.fd, reinterpret_cast<char*>(header), sizeof header, deadline) !=
          ReadOutcome::done ||
      frame_size(header) != hello.size() ||
      receive_all(worker.fd, greeting.data(), greeting.size(), deadline) != ReadOutcome::done ||
      greeting != hello) {
    kill(worker);
    return fail(ErrorCode::internal, m_options.executable + " did not start as a siftd worker");
  }
  return true;
}

void WorkerPool::kill(Worker& worker) {
  if (worker.fd >= 0) ::close(worker.fd);
  worker.fd = -1;
  if (worker.pid > 0) {
    ::kill(worker.pid, SIGKILL);
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  worker.pid = -1;
  worker.limits.reset();
}

Result<Normalized> WorkerPool::run_once(Worker& worker, const std::string& path,
                                        const Limits& limits) {
  const std::pair<std::uint64_t, int> wanted{limits.worker_memory_mb, limits.decode_timeout_ms};
  if (worker.pid > 0 && worker.limits && *worker.limits != wanted) kill(worker);
  if (worker.pid <= 0) {
    if (auto started = spawn(worker); !started) return tl::unexpected(started.error());
  }
  worker.limits = wanted;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(limits.decode_timeout_ms + m_options.grace_ms);
  auto failed = [&](ErrorCode code, std::string detail) -> Result<Normalized> {
    // Reap the worker to learn how it died; SIGKILL first, in case it is only stuck.
    ::close(worker.fd);
    worker.fd = -1;
    ::kill(worker.pid, SIGKILL);
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
    worker.pid = -1;
    {
      std::lock_guard lock(m_mutex);
      ++m_stats.killed;
    }
    if (code == ErrorCode::crashed) {
      detail = describe_exit(status) + " " + detail;
      if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) code = ErrorCode::timeout;
    }
    return fail(code, detail);
  };

  if (!send_all(worker.fd, frame(encode_request(WorkerRequest{path, limits})))) {
    return failed(ErrorCode::crashed, "before it took the file");
  }
  unsigned char header[4];
  const MemoryWatch watch{worker.pid, limits.worker_memory_mb * 1024 * k_sanitizer_memory_factor};
  auto outcome =
      receive_all(worker.fd, reinterpret_cast<char*>(header), sizeof header, deadline, watch);
  std::string payload;
  if (outcome == ReadOutcome::done) {
    const std::uint32_t size = frame_size(header);
    if (size > k_max_frame_bytes) return failed(ErrorCode::internal, "oversized answer");
    payload.resize(size);
    outcome = receive_all(worker.fd, payload.data(), size, deadline, watch);
  }
  if (outcome == ReadOutcome::timed_out) {
    return failed(ErrorCode::timeout,
                  "decoding took longer than " + std::to_string(limits.decode_timeout_ms) + " ms");
  }
  if (outcome == ReadOutcome::over_memory) {
    return failed(ErrorCode::too_large,
                  "decoding needed more than " + std::to_string(limits.worker_memory_mb) + " MiB");
  }
  if (outcome == ReadOutcome::closed) return failed(ErrorCode::crashed, "while decoding");
  auto response = decode_response(payload);
  if (!response) return failed(ErrorCode::internal, "unreadable answer from the worker");
  {
    std::lock_guard lock(m_mutex);
    m_stats.peak_worker_rss_kb = std::max(m_stats.peak_worker_rss_kb, response->peak_rss_kb);
  }
  if (response->exiting) kill(worker);  // it leaves on its own; reap it now
  return std::move(response->result);
}

Result<Normalized> WorkerPool::normalize(const std::string& path, const Limits& limits) {
  Worker& worker = acquire();
  auto result = run_once(worker, path, limits);
  if (!result && result.error().code == ErrorCode::crashed) {
    // One retry on a fresh process tells a flaky worker from a file that kills decoders.
    auto again = run_once(worker, path, limits);
    if (again || again.error().code != ErrorCode::crashed) {
      result = std::move(again);
    } else {
      result = fail(ErrorCode::crashed, again.error().detail + " (twice)");
    }
  }
  release(worker);
  return result;
}

}  // namespace media

#include "media/worker_server.h"

#include <sys/resource.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <new>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "media/normalizer.h"
#include "media/sanitizers.h"
#include "media/worker_protocol.h"
#include "media/worker_sandbox.h"

namespace media {
namespace {

std::uint64_t peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);
}

double cpu_seconds_used() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds one file may take: its wall-clock budget and a margin for the worker's own work.
double cpu_budget_s(const Limits& limits) {
  return limits.decode_timeout_ms / 1000.0 + 2;
}

// A worker's whole life in CPU seconds, as a hard limit: a decoder that escaped the soft
// limit (SIGXCPU can be caught) is killed there. The worker leaves before it runs short.
rlim_t cpu_lifetime_s(const Limits& limits) {
  return static_cast<rlim_t>(std::max(600.0, 10 * cpu_budget_s(limits)));
}

// Hard limits, so that a decoder taken over by a hostile file cannot raise them: the memory
// limit equals the soft one (the pool gives a worker files with one set of limits only), and
// RLIMIT_CPU, which counts the whole life of the process, is "used so far + budget" under a
// lifetime set at the first file.
void apply_rlimits(const Limits& limits) {
  // Under ASan the pool's deadline and the worker's RSS check below are the memory guards.
  if (!k_address_sanitizer && limits.worker_memory_mb > 0) {
    rlimit memory{};
    getrlimit(RLIMIT_AS, &memory);
    memory.rlim_max = std::min<rlim_t>(memory.rlim_max, limits.worker_memory_mb << 20);
    memory.rlim_cur = memory.rlim_max;
    setrlimit(RLIMIT_AS, &memory);
  }
  rlimit cpu{};
  getrlimit(RLIMIT_CPU, &cpu);
  const double used = cpu_seconds_used();
  if (cpu.rlim_max == RLIM_INFINITY)
    cpu.rlim_max = static_cast<rlim_t>(used) + cpu_lifetime_s(limits);
  cpu.rlim_cur = std::min<rlim_t>(cpu.rlim_max, static_cast<rlim_t>(used + cpu_budget_s(limits)));
  setrlimit(RLIMIT_CPU, &cpu);
}

// True when the next file could not get its whole CPU budget under the hard limit.
bool cpu_life_spent(const Limits& limits) {
  rlimit cpu{};
  getrlimit(RLIMIT_CPU, &cpu);
  return cpu.rlim_max != RLIM_INFINITY &&
         cpu_seconds_used() + cpu_budget_s(limits) >= static_cast<double>(cpu.rlim_max);
}

WorkerResponse handle(const WorkerRequest& request) {
  WorkerResponse response;
  apply_rlimits(request.limits);
  try {
    response.result = normalize_file(request.path, request.limits);
  } catch (const std::bad_alloc&) {
    response.result =
        fail(ErrorCode::too_large, "decoding ran out of memory (limit " +
                                       std::to_string(request.limits.worker_memory_mb) + " MiB)");
    response.exiting = true;  // the heap may be fragmented or half-freed: start afresh
  } catch (const std::exception& e) {
    response.result = fail(ErrorCode::internal, std::string("decoder threw: ") + e.what());
    response.exiting = true;
  } catch (...) {
    response.result = fail(ErrorCode::internal, "decoder threw something that is not an exception");
    response.exiting = true;
  }
  response.peak_rss_kb = peak_rss_kb();
  if (response.peak_rss_kb > request.limits.worker_memory_mb * 1024) response.exiting = true;
  if (cpu_life_spent(request.limits)) response.exiting = true;
  return response;
}

}  // namespace

int serve_worker(int in_fd, int out_fd) {
  cv::setNumThreads(1);
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  std::signal(SIGPIPE, SIG_DFL);
  // No hello without the sandbox: the pool then refuses to start rather than decode unguarded.
  if (auto sandboxed = enter_worker_sandbox(); !sandboxed) {
    std::fprintf(stderr, "siftd worker: %s\n", sandboxed.error().detail.c_str());
    return 4;
  }
  if (!write_frame(out_fd, k_worker_hello)) return 3;
  for (;;) {
    auto frame = read_frame(in_fd);
    if (!frame) return 0;  // the pool closed the connection
    auto request = decode_request(*frame);
    if (!request) return 2;
    const WorkerResponse response = handle(*request);
    if (!write_frame(out_fd, encode_response(response))) return 3;
    if (response.exiting) return 0;
  }
}

}  // namespace media

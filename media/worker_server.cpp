#include "media/worker_server.h"

#include <sys/resource.h>
#include <unistd.h>
#include <csignal>
#include <new>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "media/normalizer.h"
#include "media/sanitizers.h"
#include "media/worker_protocol.h"

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
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Only soft limits move, so later requests may raise them again; the decoders never call
// setrlimit. RLIMIT_CPU counts the whole life of the process, hence "used so far + budget".
void apply_rlimits(const Limits& limits) {
  // Under ASan the pool's deadline and the worker's RSS check below are the memory guards.
  if (!k_address_sanitizer && limits.worker_memory_mb > 0) {
    rlimit memory{};
    getrlimit(RLIMIT_AS, &memory);
    memory.rlim_cur = std::min<rlim_t>(memory.rlim_max, limits.worker_memory_mb << 20);
    setrlimit(RLIMIT_AS, &memory);
  }
  rlimit cpu{};
  getrlimit(RLIMIT_CPU, &cpu);
  const auto budget =
      static_cast<rlim_t>(cpu_seconds_used() + limits.decode_timeout_ms / 1000.0 + 2);
  cpu.rlim_cur = std::min<rlim_t>(cpu.rlim_max, budget);
  setrlimit(RLIMIT_CPU, &cpu);
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
  return response;
}

}  // namespace

int serve_worker(int in_fd, int out_fd) {
  cv::setNumThreads(1);
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  std::signal(SIGPIPE, SIG_DFL);
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

// client_bench: sustained chat-completions throughput of the model client against the
// standalone fake server (siftd-fake-model), which it starts itself.
//   client_bench [--seconds N] [--in-flight N] [--latency-ms MS] [--mode client|backend]
// client:  CurlLlmClient alone, `in-flight` requests kept outstanding on its one I/O thread.
// backend: `in-flight` worker threads each calling ProviderBackend::decide (request building,
//          limits, reply parsing and validation included), as the daemon's workers do.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipeline/model/curl_global.h"
#include "pipeline/model/curl_llm_client.h"
#include "pipeline/model/provider_backend.h"
#include "pipeline/model/request_builder.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int seconds = 10;
  int in_flight = 64;
  int latency_ms = 300;
  std::string mode = "client";
};

// The standalone fake server as a child process; its first stdout line is its base URL.
class FakeServerProcess {
 public:
  explicit FakeServerProcess(int latency_ms) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string latency = std::to_string(latency_ms);
    std::vector<std::string> args{SIFTD_FAKE_MODEL, "--latency-ms", latency, "--threads", "256"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&m_pid, SIFTD_FAKE_MODEL, &actions, nullptr, argv.data(), environ) != 0)
      m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    char c;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') m_base_url.push_back(c);
    ::close(fds[0]);
  }
  ~FakeServerProcess() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  const std::string& base_url() const { return m_base_url; }

 private:
  pid_t m_pid = -1;
  std::string m_base_url;
};

media::Normalized sample_input() {
  media::Normalized input;
  input.kind = media::Kind::image;
  input.facts.format = "jpeg";
  input.facts.width = 384;
  input.facts.height = 288;
  input.parts.push_back(
      media::Part{media::PartType::image, "image/jpeg", std::string(12'000, 'x'), "image"});
  input.token_estimate = 258;
  return input;
}

// Keeps `in_flight` requests outstanding until the deadline; returns the number completed.
std::uint64_t run_client(const std::string& base_url, const Options& options,
                         std::uint64_t& failures) {
  pipeline::CurlClientOptions client_options;
  client_options.max_in_flight = options.in_flight;
  auto client = pipeline::CurlLlmClient::create(client_options);
  if (!client) return 0;
  const pipeline::RequestBuilder builder(pipeline::default_taxonomy());
  pipeline::HttpRequest request;
  request.url = base_url + "/chat/completions";
  request.body =
      *builder.build(sample_input(), pipeline::RequestOptions{"gemini-2.5-flash-lite", 0, 256, ""});
  request.headers = {"Authorization: Bearer bench"};

  std::mutex mutex;
  std::condition_variable changed;
  int outstanding = 0;
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(options.seconds);
  std::unique_lock lock(mutex);
  while (Clock::now() < deadline) {
    changed.wait(lock, [&] { return outstanding < options.in_flight; });
    ++outstanding;
    lock.unlock();
    (*client)->send(request, [&](pipeline::HttpResult result) {
      std::lock_guard inner(mutex);
      --outstanding;
      ++done;
      if (!result || result->status != 200) {
        if (failed++ == 0) {
          std::fprintf(stderr, "client_bench: first failure: %s\n",
                       result ? ("HTTP " + std::to_string(result->status)).c_str()
                              : result.error().detail.c_str());
        }
      }
      changed.notify_one();
    });
    lock.lock();
  }
  changed.wait(lock, [&] { return outstanding == 0; });
  failures = failed;
  return done;
}

std::uint64_t run_backend(const std::string& base_url, const Options& options,
                          std::uint64_t& failures) {
  pipeline::CurlClientOptions client_options;
  client_options.max_in_flight = options.in_flight;
  auto client = pipeline::CurlLlmClient::create(client_options);
  if (!client) return 0;
  pipeline::SystemClock clock;
  pipeline::ProviderSettings settings;
  settings.base_url = base_url;
  settings.api_key = "bench";
  settings.request.model = "gemini-2.5-flash-lite";
  pipeline::ProviderBackend backend(settings, pipeline::default_taxonomy(),
                                    pipeline::ProviderPorts{**client, clock, nullptr, {}});
  const media::Normalized input = sample_input();
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> failed{0};
  const auto deadline = Clock::now() + std::chrono::seconds(options.seconds);
  std::vector<std::thread> workers;
  for (int i = 0; i < options.in_flight; ++i) {
    workers.emplace_back([&] {
      while (Clock::now() < deadline) {
        if (!backend.decide(input, pipeline::DecideContext{})) ++failed;
        ++done;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  failures = failed;
  return done;
}

}  // namespace

int main(int argc, char** argv) {
  const pipeline::CurlGlobal curl;
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") options.seconds = std::stoi(argv[i + 1]);
    if (flag == "--in-flight") options.in_flight = std::stoi(argv[i + 1]);
    if (flag == "--latency-ms") options.latency_ms = std::stoi(argv[i + 1]);
    if (flag == "--mode") options.mode = argv[i + 1];
  }
  FakeServerProcess server(options.latency_ms);
  if (server.base_url().empty()) {
    std::cerr << "client_bench: cannot start " << SIFTD_FAKE_MODEL << "\n";
    return 1;
  }
  const auto start = Clock::now();
  std::uint64_t failures = 0;
  const std::uint64_t done = options.mode == "backend"
                                 ? run_backend(server.base_url(), options, failures)
                                 : run_client(server.base_url(), options, failures);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "mode=%s in_flight=%d latency_ms=%d requests=%llu failures=%llu seconds=%.2f rps=%.1f\n",
      options.mode.c_str(), options.in_flight, options.latency_ms,
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(failures), seconds,
      static_cast<double>(done) / seconds);
  return failures == 0 ? 0 : 1;
}

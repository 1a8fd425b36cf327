// siftd-fake-model: the fake model server (OpenAI-compatible and Gemini's native API),
// standalone, for integration tests, benchmarks and demos.
//   siftd-fake-model [--port N] [--script FILE] [--latency-ms MS] [--threads N] [--strict]
//                    [--batch-polls N]
// Prints its OpenAI base URL on the first line of stdout (the Gemini base is the same without
// "/v1"), then serves until SIGINT or SIGTERM.

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "tests/fakes/fake_model_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

}  // namespace

int main(int argc, char** argv) {
  fakes::FakeServerOptions options;
  options.threads = 128;
  std::string script_path;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--port" && has_value) {
      options.port = std::stoi(argv[++i]);
    } else if (flag == "--script" && has_value) {
      script_path = argv[++i];
    } else if (flag == "--latency-ms" && has_value) {
      options.latency = std::chrono::milliseconds(std::stoi(argv[++i]));
    } else if (flag == "--threads" && has_value) {
      options.threads = std::stoi(argv[++i]);
    } else if (flag == "--strict") {
      options.strict = true;
    } else if (flag == "--batch-polls" && has_value) {
      options.batch_polls = std::stoi(argv[++i]);
    } else {
      std::cerr << "usage: siftd-fake-model [--port N] [--script FILE] [--latency-ms MS] "
                   "[--threads N] [--strict] [--batch-polls N]\n";
      return 2;
    }
  }
  fakes::FakeModelServer server(options);
  if (!script_path.empty()) {
    std::string error;
    auto script = fakes::load_script(script_path, error);
    if (!script) {
      std::cerr << "siftd-fake-model: " << error << "\n";
      return 2;
    }
    server.script(std::move(*script));
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (!server.start()) {
    std::cerr << "siftd-fake-model: cannot bind 127.0.0.1:" << options.port << "\n";
    return 1;
  }
  std::cout << server.base_url() << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  std::cerr << "siftd-fake-model: served " << server.request_count() << " requests\n";
  return 0;
}

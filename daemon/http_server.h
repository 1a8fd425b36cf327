#pragma once
// The loopback HTTP endpoints: /healthz, /readyz, /metrics (Prometheus text) and /status
// (JSON). Served from their own thread; off unless an address is configured.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "daemon/error.h"

namespace daemon_core {

struct HttpHandlers {
  std::function<std::string()> metrics;
  std::function<std::string()> status;
  std::function<bool(std::string& why)> ready;
};

class HttpServer {
 public:
  // `listen` is "HOST:PORT"; port 0 picks a free one (see port()).
  static Result<std::unique_ptr<HttpServer>> start(const std::string& listen,
                                                   const HttpHandlers& handlers);
  ~HttpServer();
  int port() const { return m_port; }

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

}  // namespace daemon_core

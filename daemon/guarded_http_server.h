#pragma once
// An httplib::Server that slow or idle clients cannot starve: each connection has its own
// thread up to a cap (connections past it are closed at once, so the next try finds a free
// one), waits for a request's first byte only briefly, and must send its whole request and take
// the reply within one deadline, however slowly it trickles bytes. So /healthz and /metrics
// always answer. Private to daemon/: httplib stays out of the public headers.

#include <httplib.h>

#include <chrono>
#include <cstddef>

namespace daemon_core {

struct ConnectionLimits {
  std::size_t max_connections = 64;
  std::chrono::milliseconds idle_timeout{2'000};      // for a request's first byte
  std::chrono::milliseconds request_deadline{5'000};  // a whole request read and answered
  int requests_per_connection = 5;                    // keep-alive, then the connection closes
};

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits = {});

 private:
  // httplib calls this on a connection's thread (or on the accepting one, to shed it).
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits m_limits;
};

}  // namespace daemon_core

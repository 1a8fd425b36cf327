#pragma once
// The HTTP endpoint's "HOST:PORT": parsed strictly (a port past 65535 is an error, not a port
// picked modulo 2^16), and probed by binding it the way the server will, so a port another
// process holds is named as such by check-config and by run before anything is logged.

#include <string>

#include "daemon/error.h"

namespace daemon_core {

struct ListenAddress {
  std::string host;  // an IP address (IPv6 without its brackets) or "localhost"
  int port = 0;      // 0 picks a free one
};

// "127.0.0.1:9464", "[::1]:9464" or "localhost:0"; a config error otherwise. Details leave
// out the key: callers name it (http.listen, or --http).
Result<ListenAddress> parse_listen_address(const std::string& value);

// Binds (and releases) the address with the options the server uses. A config error that says
// why when it cannot: the port is in use, the address is not this machine's, or it needs root.
Result<void> probe_listen_address(const ListenAddress& address);

}  // namespace daemon_core

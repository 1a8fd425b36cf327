#include "daemon/listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace daemon_core {
namespace {

bool is_ip_address(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string describe(const ListenAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

// Why a bind failed, in the words a user acts on.
std::string explain(int error, const ListenAddress& address) {
  const std::string where = describe(address);
  switch (error) {
    case EADDRINUSE:
      return where +
             " is already in use by another process (another siftd?); stop it or choose "
             "another port";
    case EADDRNOTAVAIL: return where + " is not an address of this machine";
    case EACCES: return where + " is a privileged port; use one above 1023";
    default: return "cannot listen on " + where + ": " + std::strerror(error);
  }
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { ::freeaddrinfo(info); }
};

// Binds one resolved address with SO_REUSEADDR only, as GuardedServer does: 0 or the errno.
int try_bind(const addrinfo& candidate) {
  const int fd =
      ::socket(candidate.ai_family, candidate.ai_socktype | SOCK_CLOEXEC, candidate.ai_protocol);
  if (fd < 0) return errno;
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const int error = ::bind(fd, candidate.ai_addr, candidate.ai_addrlen) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

Result<ListenAddress> parse_listen_address(const std::string& value) {
  const auto invalid = [] {
    return fail(ErrorCode::config,
                "must be HOST:PORT with an IP address or localhost and a port 0-65535 "
                "(\"127.0.0.1:9464\")");
  };
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) return invalid();
  ListenAddress address;
  address.host = value.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']')
    address.host = address.host.substr(1, address.host.size() - 2);
  const std::string port = value.substr(colon + 1);
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() ||
      address.port < 0 || address.port > 65535) {
    return invalid();
  }
  if (address.host != "localhost" && !is_ip_address(address.host)) return invalid();
  return address;
}

Result<void> probe_listen_address(const ListenAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int status = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
      status != 0) {
    return fail(ErrorCode::config,
                "cannot resolve " + address.host + ": " + ::gai_strerror(status));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> owned(found);
  // The server takes the first address that binds, so one free address is enough.
  int first_error = 0;
  for (const addrinfo* candidate = found; candidate; candidate = candidate->ai_next) {
    const int error = try_bind(*candidate);
    if (error == 0) return {};
    if (first_error == 0) first_error = error;
  }
  return fail(ErrorCode::config, explain(first_error, address));
}

}  // namespace daemon_core

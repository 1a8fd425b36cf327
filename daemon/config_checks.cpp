#include "daemon/config_checks.h"

#include <arpa/inet.h>
#include <algorithm>
#include <charconv>
#include <string_view>

#include "pipeline/route/redis_stream_publisher.h"

namespace daemon_core {
namespace {

bool is_ip_address(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// A template's parts between slashes, for the ".." check.
bool has_parent_component(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (path.substr(start, end - start) == "..") return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace

std::optional<std::string> check_listen_address(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const std::string expected =
      "must be HOST:PORT with an IP address or localhost and a port 0-65535 (\"127.0.0.1:9464\")";
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) return expected;
  std::string host = value.substr(0, colon);
  const std::string port_text = value.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return expected;
  }
  if (host != "localhost" && !is_ip_address(host)) return expected;
  return std::nullopt;
}

std::optional<std::string> check_route_template(const std::string& value) {
  static constexpr std::string_view k_known[] = {"category", "kind", "outcome", "date"};
  const std::string known = "use {out}, {category}, {kind}, {outcome} or {date}";
  if (value.empty()) return "must name a folder";
  for (std::size_t at = 0; at < value.size(); ++at) {
    if (value[at] == '}') return "has a '}' without its '{'";
    if (value[at] != '{') continue;
    const auto close = value.find('}', at);
    const auto next_open = value.find('{', at + 1);
    if (close == std::string::npos || next_open < close)
      return "has a '{' without its '}'; " + known;
    const std::string name = value.substr(at + 1, close - at - 1);
    if (name == "out") {
      if (at != 0) return "may use {out} only at its start";
    } else if (std::find(std::begin(k_known), std::end(k_known), name) == std::end(k_known)) {
      return "unknown placeholder {" + name + "}; " + known;
    }
    at = close;
  }
  if (has_parent_component(value))
    return "must not contain \"..\" (a placeholder's folder could climb out of it)";
  return std::nullopt;
}

std::optional<std::string> check_queue_url(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (value.rfind("dir:", 0) == 0) {
    const std::string folder = value.substr(4);
    if (folder.empty() || folder.front() != '/')
      return "a dir: queue needs an absolute path (\"dir:/var/spool/siftd\")";
    return std::nullopt;
  }
  if (value.rfind("redis://", 0) == 0 && pipeline::parse_redis_url(value)) return std::nullopt;
  return "must be \"dir:/path\" or \"redis://HOST:PORT/STREAM\"";
}

}  // namespace daemon_core

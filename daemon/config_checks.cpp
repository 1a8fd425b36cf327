#include "daemon/config_checks.h"

#include <algorithm>
#include <string_view>

#include "daemon/listen_address.h"
#include "pipeline/route/redis_stream_publisher.h"

namespace daemon_core {
namespace {

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
  if (auto parsed = parse_listen_address(value); !parsed) return parsed.error().detail;
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

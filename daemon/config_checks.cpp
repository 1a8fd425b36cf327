#include "daemon/config_checks.h"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include "daemon/listen_address.h"
#include "pipeline/route/mqtt_publisher.h"
#include "pipeline/route/redis_stream_publisher.h"
#include "pipeline/route/webhook_publisher.h"

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
  // A URL of a known kind says exactly what is wrong with it.
  if (value.rfind("redis://", 0) == 0) {
    if (auto parsed = pipeline::parse_redis_url(value); !parsed) return parsed.error().detail;
    return std::nullopt;
  }
  if (value.rfind("webhook:", 0) == 0) {
    if (auto parsed = pipeline::parse_webhook_url(value); !parsed) return parsed.error().detail;
    return std::nullopt;
  }
  if (value.rfind("mqtt://", 0) == 0) {
    if (auto parsed = pipeline::parse_mqtt_url(value); !parsed) return parsed.error().detail;
    return std::nullopt;
  }
  return "must be \"dir:/path\", \"redis://HOST:PORT/STREAM\", \"webhook:https://HOST/PATH\" or "
         "\"mqtt://HOST:PORT/TOPIC\"";
}

std::optional<std::string> check_mqtt_node(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (auto problem = pipeline::check_mqtt_node(value); !problem.empty()) return problem;
  return std::nullopt;
}

std::optional<mode_t> parse_mode(const std::string& value) {
  unsigned mode = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), mode, 8);
  if (value.empty() || value.size() > 5 || error != std::errc() ||
      end != value.data() + value.size() || mode > 07777) {
    return std::nullopt;
  }
  return static_cast<mode_t>(mode);
}

std::optional<std::string> check_file_mode(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto mode = parse_mode(value);
  if (!mode) return "must be an octal mode such as \"0640\"";
  if ((*mode & 07000) != 0) return "must not set the set-uid, set-gid or sticky bit on files";
  if ((*mode & 0600) != 0600)
    return "must let siftd read and write (0600): it checks and moves back what it placed";
  return std::nullopt;
}

std::optional<std::string> check_dir_mode(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto mode = parse_mode(value);
  if (!mode) return "must be an octal mode such as \"0750\" (\"2750\" keeps the group)";
  if ((*mode & 0700) != 0700) return "must give siftd rwx (0700): it places files into them";
  return std::nullopt;
}

std::optional<gid_t> find_group(const std::string& value) {
  if (value.empty()) return std::nullopt;
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (::getgrnam_r(value.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found)
    return found->gr_gid;
  gid_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error == std::errc() && end == value.data() + value.size() &&
      ::getgrgid_r(number, &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
    return found->gr_gid;
  }
  return std::nullopt;
}

std::optional<std::string> check_group(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto gid = find_group(value);
  if (!gid) return "no group \"" + value + "\" on this machine";
  if (::geteuid() == 0 || ::getegid() == *gid) return std::nullopt;
  const int count = ::getgroups(0, nullptr);
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(count, 0)));
  if (count > 0 && ::getgroups(count, groups.data()) == count &&
      std::find(groups.begin(), groups.end(), *gid) != groups.end()) {
    return std::nullopt;
  }
  return "siftd (uid " + std::to_string(::geteuid()) + ") is not a member of \"" + value +
         "\", so it cannot give files to it; add it (usermod -aG " + value +
         " siftd) or use SupplementaryGroups= in the unit";
}

}  // namespace daemon_core

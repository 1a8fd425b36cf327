#pragma once
// Checks of one string value that its type alone cannot make: a listen address, a route
// template's placeholders, a queue URL. The configuration table names them per key, so a bad
// value is reported with its file, line and key, at check-config time and not at first use.

#include <optional>
#include <string>

namespace daemon_core {

// Each returns what is wrong with `value`, or nothing when it is fine.
using ValueCheck = std::optional<std::string> (*)(const std::string& value);

// "" (off) or HOST:PORT with an IP address or localhost, and a port 0-65535.
std::optional<std::string> check_listen_address(const std::string& value);
// A folder template: only {out} (first), {category}, {kind}, {outcome} and {date}; no "..".
std::optional<std::string> check_route_template(const std::string& value);
// "" (none), "dir:/absolute/path" or "redis://HOST:PORT/STREAM".
std::optional<std::string> check_queue_url(const std::string& value);

}  // namespace daemon_core

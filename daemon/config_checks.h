#pragma once
// Checks of one string value that its type alone cannot make: a listen address, a route
// template's placeholders, a queue URL. The configuration table names them per key, so a bad
// value is reported with its file, line and key, at check-config time and not at first use.

#include <optional>
#include <string>

#include <sys/types.h>

namespace daemon_core {

// Each returns what is wrong with `value`, or nothing when it is fine.
using ValueCheck = std::optional<std::string> (*)(const std::string& value);

// "" (off) or HOST:PORT with an IP address or localhost, and a port 0-65535.
std::optional<std::string> check_listen_address(const std::string& value);
// A folder template: only {out} (first), {category}, {kind}, {outcome} and {date}; no "..".
std::optional<std::string> check_route_template(const std::string& value);
// "" (none), "dir:/absolute/path", "redis://HOST:PORT/STREAM", "webhook:http(s)://HOST/PATH"
// or "mqtt://HOST:PORT/TOPIC".
std::optional<std::string> check_queue_url(const std::string& value);
// "" (the host name) or one MQTT topic level: no /, + or #.
std::optional<std::string> check_mqtt_node(const std::string& value);

// "" (as placed) or an octal mode for placed files and sidecars that leaves siftd read and
// write ("0640"); no set-id or sticky bits.
std::optional<std::string> check_file_mode(const std::string& value);
// "" (0755 less the umask) or an octal mode for created folders with rwx for siftd ("2750").
std::optional<std::string> check_dir_mode(const std::string& value);
// "" (siftd's own) or an existing group that siftd may give files: one it belongs to, unless
// it runs as root.
std::optional<std::string> check_group(const std::string& value);

// An octal mode ("0640", "640"), or nothing when `value` is not one (or above 07777).
std::optional<mode_t> parse_mode(const std::string& value);
// The id of an existing group, by name or number.
std::optional<gid_t> find_group(const std::string& value);

}  // namespace daemon_core

#pragma once
// Sets up the one global logger: plain text with timestamps on a terminal, syslog priority
// prefixes and no timestamps under systemd (JOURNAL_STREAM set), or one JSON object a line.

#include <string>

namespace daemon_core {

enum class LogFormat { automatic, text, json };

void setup_logging(LogFormat format, const std::string& level);

}  // namespace daemon_core

#pragma once
// Sets up the one global logger: plain text with timestamps on a terminal, syslog priority
// prefixes and no timestamps under systemd (JOURNAL_STREAM set), or one JSON object a line.

#include "daemon/choices.h"

namespace daemon_core {

enum class LogFormat { automatic, text, json };

// The least severe level shown (daemon.log_level, --log-level).
enum class LogLevel { trace, debug, info, warn, error };

template <>
struct Choices<LogLevel> {
  static constexpr Choice<LogLevel> all[] = {{LogLevel::trace, "trace"},
                                             {LogLevel::debug, "debug"},
                                             {LogLevel::info, "info"},
                                             {LogLevel::warn, "warn"},
                                             {LogLevel::error, "error"}};
};

void setup_logging(LogFormat format, LogLevel level);

}  // namespace daemon_core

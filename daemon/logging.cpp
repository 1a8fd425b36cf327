#include "daemon/logging.h"

#include <cstdlib>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "pipeline/display_text.h"
#include "pipeline/model/redaction.h"

namespace daemon_core {
namespace {

// "<N>": the syslog priority journald reads at the start of each line.
class PriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    int priority = 6;
    switch (message.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: priority = 7; break;
      case spdlog::level::info: priority = 6; break;
      case spdlog::level::warn: priority = 4; break;
      case spdlog::level::err: priority = 3; break;
      case spdlog::level::critical: priority = 2; break;
      default: break;
    }
    const char text[] = {'<', static_cast<char>('0' + priority), '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

// The longest message one log line carries; each untrusted part is capped far below this.
constexpr std::size_t k_max_message_bytes = std::size_t{16} * 1024;

// Printable, and with any bearer token or api-key value that slipped through blanked out.
std::string printable_message(const spdlog::details::log_msg& message) {
  static const pipeline::Redactor k_credentials;
  return k_credentials.redact(pipeline::printable(
      std::string_view(message.payload.data(), message.payload.size()), k_max_message_bytes));
}

// The message through the one sanitizer: whatever a call site forgot to clean, no log line
// carries a newline, an escape sequence, a journald priority or invalid UTF-8.
class PrintableMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string text = printable_message(message);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PrintableMessageFlag>();
  }
};

// The sanitized message as the body of a JSON string: it holds no control characters and is
// valid UTF-8 already, so only quotes and backslashes need escaping.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (const char c : printable_message(message)) {
      if (c == '"' || c == '\\') dest.push_back('\\');
      dest.push_back(c);
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

void setup_logging(LogFormat format, LogLevel level) {
  // Logs go to stderr so that stdout stays clean for commands that print JSON.
  auto logger = spdlog::stderr_logger_mt("siftd");
  const bool under_systemd = std::getenv("JOURNAL_STREAM") != nullptr;
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<PriorityFlag>('*')
      .add_flag<JsonMessageFlag>('&')
      .add_flag<PrintableMessageFlag>('~');
  if (format == LogFormat::json) {
    formatter->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%&"})");
  } else if (format == LogFormat::automatic && under_systemd) {
    formatter->set_pattern("%*%~");  // journald adds its own timestamps
  } else {
    formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %~");
  }
  logger->set_formatter(std::move(formatter));
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(std::string(name_of(level))));
  spdlog::flush_on(spdlog::level::trace);
}

}  // namespace daemon_core

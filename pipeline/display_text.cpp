#include "pipeline/display_text.h"

#include <ctime>

namespace pipeline {
namespace {

std::string format_utc(std::int64_t ms, const char* format) {
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

std::string utc_time(std::int64_t ms) {
  return format_utc(ms, "%Y-%m-%dT%H:%M:%SZ");
}

std::string utc_date(std::int64_t ms) {
  return format_utc(ms, "%Y-%m-%d");
}

}  // namespace pipeline

#pragma once
// Text for people: file names made safe to print on one log line, and UTC timestamps.

#include <cstdint>
#include <string>
#include <string_view>

namespace pipeline {

// Control bytes (newlines among them) become '?', so one file is one log line.
std::string printable(std::string_view text);

std::string utc_time(std::int64_t ms);  // 2026-11-28T05:09:31Z
std::string utc_date(std::int64_t ms);  // 2026-11-28

}  // namespace pipeline

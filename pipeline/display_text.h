#pragma once
// Text for people: the one sanitizer every model- or file-supplied string goes through before
// a log line or an export (printable), and UTC timestamps.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pipeline {

// Enough for any path a log line names; far less than a hostile reply may hold.
inline constexpr std::size_t k_printable_max = 1024;

// `text` made safe for one log line: valid UTF-8 out; newlines, tabs and other control
// characters (C0, DEL, C1), line and paragraph separators and bidi overrides escaped (\n, \t,
// \x1b, \u202e); bytes that are not UTF-8 escaped as \xNN; a "<N>" (the priority prefix
// journald reads) defused as \x3c; cut after about `max_bytes` with a note of what was left
// out. Backslashes stay as they are, so applying it twice changes nothing.
std::string printable(std::string_view text, std::size_t max_bytes = k_printable_max);

// `text` cut to at most `max_bytes`, at a character boundary, ending in "…" when it was cut:
// untrusted values (a model's field, its raw reply) are stored with a bounded size.
std::string capped_utf8(std::string_view text, std::size_t max_bytes);

std::string utc_time(std::int64_t ms);  // 2026-11-28T05:09:31Z
std::string utc_time(std::chrono::system_clock::time_point at);
std::string utc_date(std::int64_t ms);  // 2026-11-28

}  // namespace pipeline

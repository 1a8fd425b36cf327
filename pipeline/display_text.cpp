#include "pipeline/display_text.h"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

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

std::string hex_escape(char prefix, std::uint32_t value, int digits) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out{'\\', prefix};
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += k_hex[(value >> shift) & 0xF];
  return out;
}

// The length of the well-formed UTF-8 sequence at the start of `text` and its code point, or
// 0 when it is not one (overlong forms, surrogates and values past U+10FFFF included).
std::size_t decode_utf8(std::string_view text, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char first = byte(0);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (first < 0x80) {
    code_point = first;
    return 1;
  }
  if ((first & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code_point = first & 0x1F;
  } else if ((first & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code_point = first & 0x0F;
  } else if ((first & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code_point = first & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
    return 0;
  return length;
}

// Characters that move the cursor, end a line or reorder what a terminal shows.
bool is_invisible_control(std::uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

// "<3>" and the like: what journald takes for a priority at the start of a line.
bool starts_priority_prefix(std::string_view text) {
  std::size_t i = 1;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return i > 1 && i < text.size() && text[i] == '>';
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  // A cut ends in a note ("…[N more bytes]") that fits within max_bytes as well, so the result
  // never grows past it and a second pass finds nothing to cut. Only the last stretch of
  // output before the cap can be where the cut lands: only there are piece ends remembered.
  constexpr std::size_t k_note_room = 48;
  const std::size_t watch_from = max_bytes > k_note_room ? max_bytes - k_note_room : 0;
  std::vector<std::pair<std::size_t, std::size_t>> piece_ends{{0, 0}};  // (output, input) sizes
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = text.substr(i);
    std::uint32_t c = 0;
    const std::size_t length = decode_utf8(rest, c);
    std::size_t used = 1;
    if (length == 0) {
      out += hex_escape('x', static_cast<unsigned char>(rest[0]), 2);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F || (c == '<' && starts_priority_prefix(rest))) {
      out += hex_escape('x', c, 2);
    } else if (is_invisible_control(c)) {
      out += hex_escape('u', c, 4);
      used = length;
    } else {
      out += rest.substr(0, length);
      used = length;
    }
    i += used;
    if (out.size() > watch_from) piece_ends.emplace_back(out.size(), i);
    if (out.size() > max_bytes) break;
  }
  if (out.size() <= max_bytes) return out;
  // The longest prefix, ending between two pieces, that leaves room for the note.
  for (auto end = piece_ends.rbegin(); end != piece_ends.rend(); ++end) {
    const std::string note = "\u2026[" + std::to_string(text.size() - end->second) + " more bytes]";
    if (end->first + note.size() <= max_bytes || std::next(end) == piece_ends.rend()) {
      out.resize(end->first);
      return out + note;
    }
  }
  return out;
}

std::string capped_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view k_ellipsis = "\u2026";
  std::size_t end = max_bytes > k_ellipsis.size() ? max_bytes - k_ellipsis.size() : 0;
  // Back off continuation bytes, so the cut never splits a character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + std::string(k_ellipsis);
}

std::string utc_time(std::int64_t ms) {
  return format_utc(ms, "%Y-%m-%dT%H:%M:%SZ");
}

std::string utc_time(std::chrono::system_clock::time_point at) {
  return utc_time(
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

std::string utc_date(std::int64_t ms) {
  return format_utc(ms, "%Y-%m-%d");
}

}  // namespace pipeline

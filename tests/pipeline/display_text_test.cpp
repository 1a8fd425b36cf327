// printable(): the one sanitizer between untrusted text (file names, model replies, error
// bodies) and a log line or an export.

#include "pipeline/display_text.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(Printable, escapes_newlines_escape_sequences_and_other_controls) {
  EXPECT_EQ(printable("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(printable("red \x1b[31mtext\x1b[0m"), "red \\x1b[31mtext\\x1b[0m");
  EXPECT_EQ(printable(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  EXPECT_EQ(printable("next line\u0085, rtl \u202eevil\u2028"),
            "next line\\u0085, rtl \\u202eevil\\u2028");
}

TEST(Printable, defuses_journald_priority_prefixes) {
  EXPECT_EQ(printable("<0>emergency"), "\\x3c0>emergency");
  EXPECT_EQ(printable("x\n<3>forged"), "x\\n\\x3c3>forged");
  EXPECT_EQ(printable("a <b> and <> and <1"), "a <b> and <> and <1");
}

TEST(Printable, keeps_utf8_and_escapes_bytes_that_are_not) {
  EXPECT_EQ(printable("café 写真 📷"), "café 写真 📷");
  EXPECT_EQ(printable("caf\xe9.jpg"), "caf\\xe9.jpg");
  EXPECT_EQ(printable("\xc0\xaf overlong, \xed\xa0\x80 surrogate, \xf4\x90\x80\x80 too big"),
            "\\xc0\\xaf overlong, \\xed\\xa0\\x80 surrogate, \\xf4\\x90\\x80\\x80 too big");
  EXPECT_EQ(printable("cut \xe5\x86"), "cut \\xe5\\x86");
}

TEST(Printable, caps_the_length_and_says_how_much_was_left_out) {
  const std::string huge(3'000'000, 'A');
  const std::string shown = printable(huge, 64);
  EXPECT_LE(shown.size(), 64u);
  EXPECT_EQ(shown, std::string(41, 'A') + "\u2026[2999959 more bytes]");
  EXPECT_LE(printable(huge).size(), k_printable_max);
  EXPECT_EQ(printable(std::string(64, 'A'), 64), std::string(64, 'A')) << "exactly fits";
}

TEST(Printable, never_cuts_inside_an_escape_or_a_character) {
  const std::string escapes(100, '\x1b');
  for (std::size_t cap = 30; cap < 80; ++cap) {
    const std::string shown = printable(escapes, cap);
    EXPECT_LE(shown.size(), cap);
    const std::string kept = shown.substr(0, shown.find("\u2026"));
    EXPECT_EQ(kept.size() % 4, 0u) << shown;
    EXPECT_EQ(kept.find_first_not_of("\\x1b"), std::string::npos) << shown;
  }
  std::string characters;
  for (int i = 0; i < 50; ++i) characters += "\u5199";  // 写, three bytes
  for (std::size_t cap = 30; cap < 80; ++cap) {
    const std::string shown = printable(characters, cap);
    EXPECT_LE(shown.size(), cap);
    EXPECT_EQ(shown.find("\\x"), std::string::npos) << "a character was split: " << shown;
  }
}

TEST(Printable, applied_twice_changes_nothing) {
  for (const std::string& text :
       {std::string("a\nb\x1b<0>c\xff\u202e"), std::string(5000, 'x'), std::string("C:\\dir\\n")}) {
    const std::string once = printable(text);
    EXPECT_EQ(printable(once), once);
  }
}

TEST(CappedUtf8, keeps_short_text_and_cuts_long_text_at_a_character_ending_in_an_ellipsis) {
  EXPECT_EQ(capped_utf8("short", 64), "short");
  // 30 three-byte characters: a cut at byte 20 would split one.
  std::string accents;
  for (int i = 0; i < 30; ++i) accents += "\u20ac";
  const std::string cut = capped_utf8(accents, 20);
  EXPECT_LE(cut.size(), 20u);
  EXPECT_EQ(cut, "\u20ac\u20ac\u20ac\u20ac\u20ac\u2026");  // 5 euros and the ellipsis
  EXPECT_EQ(printable(cut), cut) << "still valid UTF-8";
}

}  // namespace
}  // namespace pipeline

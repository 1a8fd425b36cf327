#include "pipeline/csv.h"

#include <gtest/gtest.h>

using pipeline::csv_field;
using pipeline::csv_line;
using pipeline::parse_csv;

TEST(Csv, quotes_only_fields_that_need_it) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, a_line_parses_back_to_its_fields) {
  const std::vector<std::string> fields{"1", "a,b",           "say \"hi\"", "two\r\nlines",
                                        "",  "{\"k\": [1,2]}"};
  const auto rows = parse_csv(csv_line(fields) + csv_line({"x", "y"}));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], fields);
  EXPECT_EQ((*rows)[1], (std::vector<std::string>{"x", "y"}));
}

TEST(Csv, skips_blank_lines_and_keeps_empty_fields) {
  const auto rows = parse_csv("a,,c\n\n,\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ((*rows)[1], (std::vector<std::string>{"", ""}));
}

TEST(Csv, an_open_quote_is_an_error) {
  EXPECT_FALSE(parse_csv("a,\"never closed\n"));
}

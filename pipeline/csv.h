#pragma once
// RFC 4180 CSV: quoting one field for output, and splitting a text into rows of fields. Knows
// nothing of what the columns mean.

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/error.h"

namespace pipeline {

// The field as it goes into a CSV line: quoted (with inner quotes doubled) when it holds a
// comma, a quote, CR or LF, or starts or ends with a space.
std::string csv_field(std::string_view value);

// One CSV line (CRLF-terminated, as RFC 4180 asks) from its fields.
std::string csv_line(const std::vector<std::string>& fields);

// Every row of `text`; quoted fields may hold commas, quotes and line breaks. A quote left
// open at the end is an error. Blank lines are skipped.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text);

}  // namespace pipeline

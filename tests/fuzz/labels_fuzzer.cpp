// labels.csv for `siftd eval` (parse_labels over the RFC 4180 reader): any text ends as rows
// or an error, and every row of two or more fields the reader returns is written back by
// csv_line() to a line that reads as the same row.

#include "pipeline/csv.h"
#include "pipeline/eval/evaluation.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  if (const auto labels = pipeline::parse_labels(text)) {
    for (const auto& label : *labels) {
      fuzz::check(!label.file.empty() && !label.category.empty(),
                  "a label names file and category");
      fuzz::check(label.route == pipeline::Outcome::route ||
                      label.route == pipeline::Outcome::escalate ||
                      label.route == pipeline::Outcome::review,
                  "a label's route is route, escalate or review");
    }
  }
  const auto rows = pipeline::parse_csv(text);
  if (!rows) return 0;
  for (const auto& row : *rows) {
    if (row.size() < 2) continue;
    const auto again = pipeline::parse_csv(pipeline::csv_line(row));
    fuzz::check(again.has_value() && again->size() == 1, "a written row reads as one row");
    fuzz::check(again->front() == row, "a written row reads as the same fields");
  }
  return 0;
}

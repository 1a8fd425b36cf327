#pragma once
// Renders evaluation runs for people: a plain-text summary for the terminal, a side-by-side
// table for two configurations, and a self-contained HTML report (inline SVG charts, no
// script, nothing fetched from the network).

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/eval/evaluation.h"

namespace pipeline {

struct EvalRun {
  std::string name;           // the configuration's name, e.g. its file
  std::string configuration;  // what decided: backend, model, thresholds, taxonomy size
  std::int64_t started_ms = 0;
  std::vector<EvalItem> items;
  EvalMetrics metrics;
};

// When the runs started, which siftd ran them, and each configuration: so a report found later
// says what it measured.
std::string format_header(const std::vector<EvalRun>& runs);

std::string format_summary(const EvalMetrics& metrics);

// The files that failed, one line each with the stage and reason (printable, so a hostile
// file name cannot forge lines); empty when none failed.
std::string format_failures(const EvalRun& run);

// Two or more runs, one column each: accuracy against tokens and cost.
std::string format_comparison(const std::vector<EvalRun>& runs);

std::string render_html(const std::vector<EvalRun>& runs);

}  // namespace pipeline

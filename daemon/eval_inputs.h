#pragma once
// What `siftd eval` checks and records before it runs anything: the labels (every row names a
// file that exists and a category of each configuration's taxonomy, or the command stops with
// exit 2 naming the line), and a one-line description of each configuration for the report.

#include <string>
#include <utility>
#include <vector>

#include "daemon/config.h"
#include "daemon/error.h"
#include "pipeline/eval/evaluation.h"

namespace daemon_core {

// Reads and checks `labels_path` against `configs` (name, configuration). A config error lists
// every bad row as "labels.csv:LINE: what is wrong".
Result<std::vector<pipeline::LabeledFile>> load_labels(
    const std::string& labels_path, const std::vector<std::pair<std::string, Config>>& configs);

// "backend openai, model m at URL (escalation e below 0.6), accept 0.8, review 0.5, 12
// categories": what decided, for the report.
std::string describe_config(const Config& config);

}  // namespace daemon_core

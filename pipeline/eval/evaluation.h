#pragma once
// The metrics of a run over a labeled set: accuracy, per-category precision and recall, the
// confusion matrix, how often the first tier abstained and whether it was right to, latency
// percentiles per stage, and tokens and cost per file and per correct decision. Pure
// computation over finished items: it runs nothing and reads no file but the labels' text.

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/decide/backend.h"
#include "pipeline/error.h"
#include "pipeline/job.h"

namespace pipeline {

// One row of labels.csv: file (relative to the CSV's folder), expected category and route
// ("route", "escalate" or "review").
struct LabeledFile {
  std::string file;
  std::string category;
  Outcome route = Outcome::route;
  int line = 0;  // its row in labels.csv, the header being 1
};

// Parses labels.csv: a header row naming file, expected_category and expected_route (in any
// order; extra columns are ignored), then one row per file. Errors begin with "line N: ".
Result<std::vector<LabeledFile>> parse_labels(std::string_view csv_text);

// What happened to one labeled file.
struct EvalItem {
  std::string file;
  std::string expected_category;
  Outcome expected_route = Outcome::route;
  std::string kind;
  std::string category;        // the final decision's; empty when the file failed
  std::string first_category;  // the first tier's (the same as `category` without a cascade)
  double confidence = 0;
  Outcome outcome = Outcome::quarantined;  // quarantined: the file failed
  bool asked_stronger = false;             // a cascade asked a second model
  bool fell_back = false;                  // the configured model failed and the fallback answered
  std::string error;                       // stage and reason, when it failed
  double normalize_ms = 0;
  double decide_ms = 0;
  int token_estimate = 0;  // what normalization expected the input to cost
  Usage usage;

  bool is_correct() const { return !category.empty() && category == expected_category; }
  // The first tier did not settle it alone: it asked for a stronger model or for a person.
  bool is_escalated() const {
    return asked_stronger || outcome == Outcome::escalate || outcome == Outcome::review;
  }
};

struct CategoryScore {
  std::string category;
  int support = 0;    // files labeled with it
  int predicted = 0;  // files decided as it
  int correct = 0;
  double precision = 0;  // correct / predicted; 0 when nothing was predicted
  double recall = 0;     // correct / support; 0 when nothing carries the label
};

struct Percentiles {
  double p50 = 0;
  double p95 = 0;
};

struct EvalMetrics {
  int files = 0;
  int correct = 0;
  int failed = 0;
  int fallbacks = 0;  // answered by the fallback instead of the configured model
  double accuracy = 0;
  int route_matches = 0;  // outcome equal to the expected route
  double route_accuracy = 0;

  std::vector<CategoryScore> categories;
  // Rows are expected categories, columns decided ones, both in `labels` order; a file that
  // failed counts in the column "failed".
  std::vector<std::string> labels;
  std::vector<std::vector<int>> confusion;

  int escalated = 0;
  double escalation_rate = 0;
  int escalated_first_wrong = 0;  // of the escalated, how many the first tier had wrong
  double abstention_quality = 0;  // escalated_first_wrong / escalated
  int routed = 0;                 // settled by the first pass with outcome "route"
  int routed_correct = 0;

  Percentiles normalize_ms;
  Percentiles decide_ms;

  long long prompt_tokens = 0;
  long long cached_tokens = 0;
  long long completion_tokens = 0;
  long long estimated_tokens = 0;
  double cost_usd = 0;
  double tokens_per_file = 0;  // (prompt + completion) / files
  double cost_per_file = 0;
  double tokens_per_success = 0;  // (prompt + completion) / correct; 0 with no success
  double cost_per_success = 0;    // cost / correct: what one correct decision costs
};

// `category_order` fixes the order of the matrix and the per-category table (the taxonomy's
// order); categories met that it lacks follow in the order first seen.
EvalMetrics compute_metrics(const std::vector<EvalItem>& items,
                            const std::vector<std::string>& category_order = {});

// Nearest-rank percentile (p in 0..100) of `values`; 0 for none.
double percentile(std::vector<double> values, double p);

}  // namespace pipeline

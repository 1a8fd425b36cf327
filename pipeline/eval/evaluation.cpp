#include "pipeline/eval/evaluation.h"

#include <algorithm>
#include <cmath>

#include "pipeline/csv.h"

namespace pipeline {
namespace {

int column_of(const std::vector<std::string>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

double ratio(double part, double whole) {
  return whole > 0 ? part / whole : 0;
}

int index_of(std::vector<std::string>& labels, const std::string& label) {
  const auto found = std::find(labels.begin(), labels.end(), label);
  if (found != labels.end()) return static_cast<int>(found - labels.begin());
  labels.push_back(label);
  return static_cast<int>(labels.size() - 1);
}

}  // namespace

Result<std::vector<LabeledFile>> parse_labels(std::string_view csv_text) {
  auto rows = parse_csv(csv_text);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return fail(ErrorCode::internal, "line 1: the file is empty");
  const auto& header = rows->front();
  const int file = column_of(header, "file");
  const int category = column_of(header, "expected_category");
  const int route = column_of(header, "expected_route");
  if (file < 0 || category < 0) {
    return fail(ErrorCode::internal,
                "line 1: the header must name the columns file and expected_category");
  }
  std::vector<LabeledFile> labels;
  for (std::size_t i = 1; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    const auto cell = [&](int column) {
      return column >= 0 && static_cast<std::size_t>(column) < row.size()
                 ? row[static_cast<std::size_t>(column)]
                 : std::string();
    };
    LabeledFile label{cell(file), cell(category), Outcome::route, static_cast<int>(i + 1)};
    if (label.file.empty() || label.category.empty()) {
      return fail(ErrorCode::internal,
                  "line " + std::to_string(i + 1) + ": lacks a file or an expected_category");
    }
    const std::string route_text = cell(route).empty() ? "route" : cell(route);
    const auto expected = parse_outcome(route_text);
    if (!expected || (*expected != Outcome::route && *expected != Outcome::escalate &&
                      *expected != Outcome::review)) {
      return fail(ErrorCode::internal, "line " + std::to_string(i + 1) + ": expected_route \"" +
                                           route_text + "\" is not route, escalate or review");
    }
    label.route = *expected;
    labels.push_back(std::move(label));
  }
  return labels;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const auto index =
      static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  return values[index];
}

EvalMetrics compute_metrics(const std::vector<EvalItem>& items,
                            const std::vector<std::string>& category_order) {
  EvalMetrics m;
  m.files = static_cast<int>(items.size());

  // Only categories that occur get a row and a column; the taxonomy fixes their order.
  std::vector<std::string> seen;
  for (const auto& item : items) {
    seen.push_back(item.expected_category);
    seen.push_back(item.category.empty() ? "failed" : item.category);
  }
  for (const auto& name : category_order) {
    if (name != "failed" && std::find(seen.begin(), seen.end(), name) != seen.end()) {
      m.labels.push_back(name);
    }
  }
  for (const auto& name : seen) {
    if (name != "failed") index_of(m.labels, name);
  }
  if (std::find(seen.begin(), seen.end(), "failed") != seen.end()) m.labels.push_back("failed");
  m.confusion.assign(m.labels.size(), std::vector<int>(m.labels.size(), 0));

  std::vector<double> normalize, decide;
  for (const auto& item : items) {
    const int row = index_of(m.labels, item.expected_category);
    const int column = index_of(m.labels, item.category.empty() ? "failed" : item.category);
    ++m.confusion[static_cast<std::size_t>(row)][static_cast<std::size_t>(column)];
    if (item.is_correct()) ++m.correct;
    if (item.outcome == Outcome::quarantined) ++m.failed;
    if (item.fell_back) ++m.fallbacks;
    if (item.outcome == item.expected_route) ++m.route_matches;
    if (item.is_escalated()) {
      ++m.escalated;
      const std::string& first = item.first_category.empty() ? item.category : item.first_category;
      if (first != item.expected_category) ++m.escalated_first_wrong;
    } else if (item.outcome == Outcome::route) {
      ++m.routed;
      if (item.is_correct()) ++m.routed_correct;
    }
    normalize.push_back(item.normalize_ms);
    if (item.outcome != Outcome::quarantined || item.decide_ms > 0)
      decide.push_back(item.decide_ms);
    m.prompt_tokens += item.usage.prompt_tokens;
    m.cached_tokens += item.usage.cached_tokens;
    m.completion_tokens += item.usage.completion_tokens;
    m.estimated_tokens += item.token_estimate;
    m.cost_usd += item.usage.cost_usd;
  }

  for (std::size_t i = 0; i < m.labels.size(); ++i) {
    if (m.labels[i] == "failed") continue;
    CategoryScore score;
    score.category = m.labels[i];
    for (std::size_t j = 0; j < m.labels.size(); ++j) {
      score.support += m.confusion[i][j];
      score.predicted += m.confusion[j][i];
    }
    score.correct = m.confusion[i][i];
    score.precision = ratio(score.correct, score.predicted);
    score.recall = ratio(score.correct, score.support);
    m.categories.push_back(score);
  }

  const double files = m.files;
  const auto tokens = static_cast<double>(m.prompt_tokens + m.completion_tokens);
  m.accuracy = ratio(m.correct, files);
  m.route_accuracy = ratio(m.route_matches, files);
  m.escalation_rate = ratio(m.escalated, files);
  m.abstention_quality = ratio(m.escalated_first_wrong, m.escalated);
  m.normalize_ms = {percentile(normalize, 50), percentile(normalize, 95)};
  m.decide_ms = {percentile(decide, 50), percentile(decide, 95)};
  m.tokens_per_file = ratio(tokens, files);
  m.cost_per_file = ratio(m.cost_usd, files);
  m.tokens_per_success = ratio(tokens, m.correct);
  m.cost_per_success = ratio(m.cost_usd, m.correct);
  return m;
}

}  // namespace pipeline

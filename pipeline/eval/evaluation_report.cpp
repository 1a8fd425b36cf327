#include "pipeline/eval/evaluation_report.h"

#include <fmt/format.h>

#include "pipeline/display_text.h"

namespace pipeline {
namespace {

std::string percent(double value) {
  return fmt::format("{:.1f}%", value * 100);
}
std::string usd(double value) {
  return fmt::format("${:.6f}", value);
}
std::string usd_or_none(double value, int count) {
  return count > 0 ? usd(value) : "n/a";
}

// "1 was", "2 were": the verb agrees with the count.
std::string was_or_were(int count) {
  return fmt::format("{} {}", count, count == 1 ? "was" : "were");
}

std::string format_confusion(const EvalMetrics& m) {
  std::string out = "confusion matrix (rows: expected, columns: decided)\n";
  for (std::size_t i = 0; i < m.labels.size(); ++i) {
    out += fmt::format("  [{:>2}] {:<18}", i + 1, m.labels[i]);
    for (const int count : m.confusion[i]) out += count ? fmt::format("{:>5}", count) : "    .";
    out += "\n";
  }
  out += fmt::format("  {:<23}", "");
  for (std::size_t i = 0; i < m.labels.size(); ++i)
    out += fmt::format("{:>5}", fmt::format("[{}]", i + 1));
  return out + "\n";
}

}  // namespace

std::string format_header(const std::vector<EvalRun>& runs) {
  std::string out = fmt::format("siftd {} evaluation, {}\n", SIFTD_VERSION,
                                runs.empty() ? std::string() : utc_time(runs.front().started_ms));
  for (const auto& run : runs)
    out += fmt::format("configuration       {}: {}\n", printable(run.name), run.configuration);
  return out;
}

std::string format_summary(const EvalMetrics& m) {
  std::string out;
  out += fmt::format("files               {} ({} failed)\n", m.files, m.failed);
  if (m.fallbacks > 0) {
    out += fmt::format("fallbacks           {} answered by the fallback, not the model\n",
                       m.fallbacks);
  }
  out += fmt::format("accuracy            {} ({}/{})\n", percent(m.accuracy), m.correct, m.files);
  out += fmt::format("route accuracy      {} (outcome as labeled)\n", percent(m.route_accuracy));
  out += fmt::format("escalation rate     {} ({}/{})\n", percent(m.escalation_rate), m.escalated,
                     m.files);
  out += fmt::format("abstention quality  {} (of {} escalated, {} wrong at the first tier)\n",
                     m.escalated ? percent(m.abstention_quality) : "n/a", m.escalated,
                     was_or_were(m.escalated_first_wrong));
  out += fmt::format("routed precision    {} (of {} routed, {} right)\n",
                     m.routed ? percent(static_cast<double>(m.routed_correct) / m.routed) : "n/a",
                     m.routed, was_or_were(m.routed_correct));
  out += fmt::format("latency ms          p50 {:>9.1f}  p95 {:>9.1f}  normalize\n",
                     m.normalize_ms.p50, m.normalize_ms.p95);
  out += fmt::format("                    p50 {:>9.1f}  p95 {:>9.1f}  decide\n", m.decide_ms.p50,
                     m.decide_ms.p95);
  out +=
      fmt::format("tokens              {} prompt ({} cached), {} completion; estimated input {}\n",
                  m.prompt_tokens, m.cached_tokens, m.completion_tokens, m.estimated_tokens);
  out += fmt::format("tokens per file     {:.1f}   per success {}\n", m.tokens_per_file,
                     m.correct ? fmt::format("{:.1f}", m.tokens_per_success) : "n/a");
  out += fmt::format("cost                {} total, {} per file, {} per success\n", usd(m.cost_usd),
                     usd(m.cost_per_file), usd_or_none(m.cost_per_success, m.correct));
  out += "\ncategory            support predicted precision  recall\n";
  for (const auto& c : m.categories) {
    out += fmt::format("  {:<18}{:>7}{:>10}{:>10}{:>8}\n", c.category, c.support, c.predicted,
                       c.predicted ? percent(c.precision) : "n/a",
                       c.support ? percent(c.recall) : "n/a");
  }
  return out + "\n" + format_confusion(m);
}

std::string format_failures(const EvalRun& run) {
  std::string out;
  for (const auto& item : run.items) {
    if (item.outcome != Outcome::quarantined) continue;
    if (out.empty()) out = fmt::format("\nfailed files ({})\n", run.name);
    out += fmt::format("  {}  {}\n", printable(item.file), printable(item.error));
  }
  return out;
}

std::string format_comparison(const std::vector<EvalRun>& runs) {
  std::string out = fmt::format("{:<22}", "");
  for (const auto& run : runs) out += fmt::format("{:>22}", run.name.substr(0, 21));
  out += "\n";
  const auto row = [&](const std::string& name, auto value) {
    out += fmt::format("{:<22}", name);
    for (const auto& run : runs) out += fmt::format("{:>22}", value(run.metrics));
    out += "\n";
  };
  row("accuracy", [](const EvalMetrics& m) { return percent(m.accuracy); });
  row("route accuracy", [](const EvalMetrics& m) { return percent(m.route_accuracy); });
  row("escalation rate", [](const EvalMetrics& m) { return percent(m.escalation_rate); });
  row("abstention quality", [](const EvalMetrics& m) {
    return m.escalated ? percent(m.abstention_quality) : std::string("n/a");
  });
  row("failed", [](const EvalMetrics& m) { return std::to_string(m.failed); });
  row("fallbacks", [](const EvalMetrics& m) { return std::to_string(m.fallbacks); });
  row("tokens per file",
      [](const EvalMetrics& m) { return fmt::format("{:.1f}", m.tokens_per_file); });
  row("estimated input/file", [](const EvalMetrics& m) {
    return fmt::format("{:.1f}", m.files ? static_cast<double>(m.estimated_tokens) / m.files : 0.0);
  });
  row("cost per file", [](const EvalMetrics& m) { return usd(m.cost_per_file); });
  row("cost per success",
      [](const EvalMetrics& m) { return usd_or_none(m.cost_per_success, m.correct); });
  row("decide p50/p95 ms", [](const EvalMetrics& m) {
    return fmt::format("{:.1f}/{:.1f}", m.decide_ms.p50, m.decide_ms.p95);
  });
  row("normalize p50/p95 ms", [](const EvalMetrics& m) {
    return fmt::format("{:.1f}/{:.1f}", m.normalize_ms.p50, m.normalize_ms.p95);
  });
  return out;
}

}  // namespace pipeline

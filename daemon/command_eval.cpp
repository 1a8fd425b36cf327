// `siftd eval`: runs a labeled set through normalize and decide, with the same parts `once`
// builds (no file moves, no journal, no result cache: every file is really asked), then prints
// the metrics and, when asked, writes a self-contained HTML report. `--compare A B` runs the set
// under two configurations and prints them side by side.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "daemon/assembly.h"
#include "daemon/backend_factory.h"
#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/eval_inputs.h"
#include "daemon/logging.h"
#include "daemon/replace_file.h"
#include "pipeline/eval/evaluation.h"
#include "pipeline/eval/evaluation_report.h"
#include "pipeline/triage.h"

namespace daemon_core {
namespace {

// A bar on stderr, redrawn in place; only on a terminal, so logs and pipes stay clean.
class ProgressBar {
 public:
  ProgressBar(std::string title, std::size_t total)
      : m_title(std::move(title)), m_total(total), m_enabled(::isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() {
    if (m_enabled) std::cerr << "\r\033[K" << std::flush;
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void show(std::size_t done, const std::string& file) const {
    if (!m_enabled) return;
    constexpr std::size_t k_width = 30;
    const std::size_t filled = m_total ? done * k_width / m_total : k_width;
    std::cerr << "\r\033[K" << m_title << " [" << std::string(filled, '#')
              << std::string(k_width - filled, '.') << "] " << done << "/" << m_total << " "
              << file.substr(0, 40) << std::flush;
  }

 private:
  std::string m_title;
  std::size_t m_total;
  bool m_enabled;
};

std::vector<std::string> category_names(const Config& config) {
  std::vector<std::string> names;
  names.reserve(config.taxonomy.categories.size());
  for (const auto& category : config.taxonomy.categories) names.push_back(category.name);
  return names;
}

pipeline::EvalItem evaluate_file(const pipeline::LabeledFile& label, const std::string& path,
                                 pipeline::Normalizer& normalizer, pipeline::Backend& backend,
                                 const pipeline::Thresholds& thresholds) {
  pipeline::EvalItem item;
  item.file = label.file;
  item.expected_category = label.category;
  item.expected_route = label.route;
  // No content hash: a cached answer would hide the cost and latency being measured.
  pipeline::Triaged triaged =
      pipeline::triage(normalizer, backend, thresholds, pipeline::TriageRequest{path, {}, {}});
  item.normalize_ms = triaged.timings.normalize_ms;
  item.decide_ms = triaged.timings.decide_ms;
  if (triaged.normalized) {
    item.kind = media::to_string(triaged.normalized->kind);
    item.token_estimate = triaged.normalized->token_estimate;
  }
  if (triaged.error) {
    item.error = std::string(pipeline::to_string(triaged.error->stage)) + ": " +
                 triaged.error->code + ": " + triaged.error->detail;
    return item;
  }
  const pipeline::Answer& answer = *triaged.answer;
  item.category = answer.decision.category;
  item.confidence = answer.decision.confidence;
  item.first_category =
      answer.tiers.empty() ? item.category : answer.tiers.front().decision.category;
  item.asked_stronger = answer.tiers.size() > 1;
  item.fell_back = !answer.fallback_reason.empty();
  item.outcome = *triaged.outcome;
  item.usage = answer.usage;
  return item;
}

Result<pipeline::EvalRun> run_set(Config config, const std::string& name,
                                  const std::vector<pipeline::LabeledFile>& labels,
                                  const std::filesystem::path& folder) {
  config.model.cache = false;
  auto backend = make_backend(config);
  if (!backend) return tl::unexpected(backend.error());
  auto made = make_normalizer(config);
  if (!made) return tl::unexpected(made.error());
  auto normalizer = std::move(*made);
  pipeline::EvalRun run;
  run.name = name;
  const ProgressBar progress(name, labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    progress.show(i, labels[i].file);
    const std::filesystem::path file(labels[i].file);
    const std::string path = file.is_absolute() ? file.string() : (folder / file).string();
    run.items.push_back(evaluate_file(labels[i], path, *normalizer, **backend, config.thresholds));
  }
  progress.show(labels.size(), "");
  run.metrics = pipeline::compute_metrics(run.items, category_names(config));
  return run;
}

std::string run_name(const std::string& config_file, const Config& config) {
  if (!config_file.empty()) return std::filesystem::path(config_file).filename().string();
  if (config.model.backend == ModelBackend::local) return "local";
  return std::string(name_of(config.model.backend)) + " " + config.model.name;
}

bool write_report(const std::string& path, const std::vector<pipeline::EvalRun>& runs) {
  return replace_file(path, pipeline::render_html(runs));
}

}  // namespace

int command_eval(const CommandOptions& options) {
  std::vector<std::string> config_files{options.config_file};
  if (!options.compare.empty()) config_files = options.compare;
  std::vector<std::pair<std::string, Config>> configs;
  for (const auto& file : config_files) {
    CommandOptions each = options;
    each.config_file = file;
    auto config = load_config(each);
    if (!config) {
      std::cerr << "siftd: " << config.error().detail << "\n";
      return k_exit_usage;
    }
    configs.emplace_back(run_name(file, *config), std::move(*config));
  }
  setup_logging(options.log_format == "json" ? LogFormat::json : LogFormat::text,
                options.log_level.value_or(LogLevel::warn));

  // Before anything runs: a bad row would otherwise show up as a wrong answer or a failure.
  auto labels = load_labels(options.labels, configs);
  if (!labels) {
    std::cerr << "siftd: " << labels.error().detail << "\n";
    return exit_code(labels.error());
  }
  const auto folder = std::filesystem::path(options.labels).parent_path();

  std::vector<pipeline::EvalRun> runs;
  for (const auto& [name, config] : configs) {
    const std::int64_t started_ms = pipeline::now_ms();
    auto run = run_set(config, name, *labels, folder);
    if (!run) {
      std::cerr << "siftd: " << name << ": " << run.error().detail << "\n";
      return exit_code(run.error());
    }
    run->configuration = describe_config(config);
    run->started_ms = started_ms;
    runs.push_back(std::move(*run));
  }

  std::cout << pipeline::format_header(runs);
  if (runs.size() == 1) {
    std::cout << pipeline::format_summary(runs.front().metrics);
  } else {
    std::cout << pipeline::format_comparison(runs);
  }
  for (const auto& run : runs) std::cout << pipeline::format_failures(run);
  if (!options.report.empty() && !write_report(options.report, runs)) {
    std::cerr << "siftd: cannot write the report " << options.report << "\n";
    return k_exit_failure;
  }
  return k_exit_ok;
}

}  // namespace daemon_core

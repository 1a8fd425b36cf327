#include "daemon/eval_inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace daemon_core {
namespace {

namespace fs = std::filesystem;

// Enough to fix a file in one go, not a screenful for a CSV of the wrong kind.
constexpr std::size_t k_max_reported = 20;

bool has_category(const Config& config, const std::string& name) {
  const auto& categories = config.taxonomy.categories;
  return std::any_of(categories.begin(), categories.end(),
                     [&](const auto& category) { return category.name == name; });
}

}  // namespace

Result<std::vector<pipeline::LabeledFile>> load_labels(
    const std::string& labels_path, const std::vector<std::pair<std::string, Config>>& configs) {
  std::ifstream in(labels_path, std::ios::binary);
  if (!in || !fs::is_regular_file(labels_path))
    return fail(ErrorCode::config, labels_path + ": cannot read the labels");
  std::ostringstream text;
  text << in.rdbuf();
  auto labels = pipeline::parse_labels(text.str());
  if (!labels) {
    // "line 3: ..." becomes "labels.csv:3: ...", the form editors and check-config use.
    std::string detail = labels.error().detail;
    if (detail.rfind("line ", 0) == 0) detail = detail.substr(5);
    return fail(ErrorCode::config, labels_path + ":" + detail);
  }

  const fs::path folder = fs::path(labels_path).parent_path();
  std::vector<std::string> problems;
  for (const auto& label : *labels) {
    const std::string where = labels_path + ":" + std::to_string(label.line) + ": ";
    const fs::path file(label.file);
    const fs::path path = file.is_absolute() ? file : folder / file;
    std::error_code ignored;
    if (!fs::is_regular_file(path, ignored)) problems.push_back(where + "no file " + path.string());
    for (const auto& [name, config] : configs) {
      if (!has_category(config, label.category)) {
        problems.push_back(where + "category \"" + label.category + "\" is not in the taxonomy" +
                           (configs.size() > 1 ? " of " + name : std::string()));
      }
    }
  }
  if (problems.empty()) return std::move(*labels);
  std::string detail;
  for (std::size_t i = 0; i < std::min(problems.size(), k_max_reported); ++i)
    detail += (i ? "\n" : "") + problems[i];
  if (problems.size() > k_max_reported)
    detail += "\n... and " + std::to_string(problems.size() - k_max_reported) + " more";
  return fail(ErrorCode::config, detail);
}

std::string describe_config(const Config& config) {
  std::ostringstream text;  // numbers as people write them: 0.8, not 0.800000
  text << "backend " << name_of(config.model.backend);
  if (config.model.backend == ModelBackend::openai) {
    text << ", model " << config.model.name << " at " << config.model.base_url;
    if (!config.model.escalation_model.empty()) {
      text << " (escalation " << config.model.escalation_model << " below "
           << config.model.escalation_below << ")";
    }
  }
  text << ", accept " << config.thresholds.accept << ", review " << config.thresholds.review << ", "
       << config.taxonomy.categories.size() << " categories";
  return text.str();
}

}  // namespace daemon_core

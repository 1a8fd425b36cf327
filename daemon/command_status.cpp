#include <iostream>

#include <nlohmann/json.hpp>

#include "daemon/cli.h"
#include "daemon/commands.h"
#include "daemon/model_state_file.h"
#include "pipeline/display_text.h"
#include "pipeline/journal/journal.h"
#include "pipeline/journal/journal_status.h"

namespace daemon_core {
namespace {

using pipeline::printable;
using pipeline::utc_time;

void print_text(const std::string& path, const pipeline::JournalStatus& s,
                const std::optional<ModelState>& model) {
  auto count = [&](const char* state) {
    const auto it = s.by_state.find(state);
    return it == s.by_state.end() ? std::int64_t{0} : it->second;
  };
  std::int64_t in_progress = 0;
  std::string stages;
  for (const auto& [state, n] : s.by_state) {
    if (state == "done" || state == "quarantined") continue;
    in_progress += n;
    stages += (stages.empty() ? "" : ", ") + state + " " + std::to_string(n);
  }
  std::cout << "journal: " << path << "\n"
            << "files: " << count("done") << " done, " << count("quarantined") << " quarantined, "
            << in_progress << " in progress" << (stages.empty() ? "" : " (" + stages + ")") << "\n"
            << "last hour: " << s.finished_last_hour << " finished\n"
            << "today (UTC): " << s.finished_today << " finished, " << s.tokens_today
            << " prompt tokens (naive " << s.naive_tokens_today << "), model reported "
            << s.model_tokens_today << " tokens, $" << s.cost_today_usd << "\n";
  if (model && !model->paused.empty())
    std::cout << "model: paused since " << model->since << ": " << printable(model->paused) << "\n";
  if (model && !model->degraded.empty()) {
    std::cout << "model: degraded since " << model->since
              << ", files fall back: " << printable(model->degraded) << "\n";
  }
  if (s.last_errors.empty()) return;
  std::cout << "last errors:\n";
  for (const auto& e : s.last_errors) {
    std::cout << "  " << utc_time(e.at_ms) << " file=" << e.id << " \"" << printable(e.name)
              << "\" " << e.stage << " " << e.code << ": " << printable(e.detail) << "\n";
  }
}

}  // namespace

int command_status(const CommandOptions& options) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "siftd: " << config.error().detail << "\n";
    return k_exit_usage;
  }
  const std::string path = config->journal_path();
  auto status = pipeline::read_journal_status(path, pipeline::now_ms());
  if (!status) {
    std::cerr << "siftd: " << status.error().detail << "\n";
    return k_exit_failure;
  }
  // The running daemon's view of its model; nothing when it is stopped or the model answers.
  const auto model = ModelStateFile::read(config->work_area());
  if (!options.json) {
    print_text(path, *status, model);
    return k_exit_ok;
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : status->last_errors) {
    errors.push_back({{"id", e.id},
                      {"name", e.name},
                      {"stage", e.stage},
                      {"code", e.code},
                      {"message", e.detail},
                      {"time", utc_time(e.at_ms)}});
  }
  const nlohmann::json out{
      {"journal", path},
      {"by_state", status->by_state},
      {"finished_last_hour", status->finished_last_hour},
      {"today",
       {{"finished", status->finished_today},
        {"tokens", status->tokens_today},
        {"naive_tokens", status->naive_tokens_today},
        {"model_tokens", status->model_tokens_today},
        {"cost_usd", status->cost_today_usd}}},
      {"last_errors", errors},
      {"model_paused",
       model && !model->paused.empty() ? nlohmann::json(model->paused) : nlohmann::json(nullptr)},
      {"model_degraded", model && !model->degraded.empty() ? nlohmann::json(model->degraded)
                                                           : nlohmann::json(nullptr)}};
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return k_exit_ok;
}

}  // namespace daemon_core

#include "pipeline/job.h"

#include <array>
#include <chrono>

namespace pipeline {
namespace {

constexpr std::array<std::string_view, 7> k_state_names = {
    "discovered", "claimed", "normalized", "decided", "routing", "done", "quarantined"};
constexpr std::array<std::string_view, 8> k_outcome_names = {
    "route", "escalate", "review", "quarantined", "vanished", "requeued", "undone", "duplicate"};
constexpr std::array<std::string_view, 5> k_stage_names = {"claim", "normalize", "decide", "route",
                                                           "poison"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(FileState state) {
  return k_state_names[static_cast<std::size_t>(state)];
}

std::optional<FileState> parse_file_state(std::string_view text) {
  return parse_name<FileState>(k_state_names, text);
}

std::string_view to_string(Outcome outcome) {
  return k_outcome_names[static_cast<std::size_t>(outcome)];
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  if (text == "failed") return Outcome::quarantined;
  return parse_name<Outcome>(k_outcome_names, text);
}

std::string_view to_string(Stage stage) {
  return k_stage_names[static_cast<std::size_t>(stage)];
}

std::optional<Stage> parse_stage(std::string_view text) {
  return parse_name<Stage>(k_stage_names, text);
}

std::string kind_name(const FileRecord& record) {
  return record.kind ? media::to_string(*record.kind) : "unknown";
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace pipeline

#pragma once
// The job record's values as JSON, for the places that write a record out (sidecars, queue
// messages). Private to pipeline/: it shows nlohmann::json.

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/decide/decision_json.h"
#include "pipeline/job.h"

namespace pipeline {

// Stored JSON text (media's facts) as a value; null when the text is empty or not JSON.
inline nlohmann::json parse_stored_json(const std::string& text) {
  if (text.empty()) return nullptr;
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(nullptr) : value;
}

inline nlohmann::json decision_json(const FileRecord& record) {
  return record.decision ? decision_to_json(*record.decision) : nlohmann::json(nullptr);
}

inline nlohmann::json outcome_json(const FileRecord& record) {
  return record.outcome ? nlohmann::json(std::string(to_string(*record.outcome)))
                        : nlohmann::json(nullptr);
}

inline nlohmann::json error_json(const FileRecord& record) {
  if (!record.error) return nullptr;
  return {{"stage", std::string(to_string(record.error->stage))},
          {"code", record.error->code},
          {"message", record.error->detail}};
}

}  // namespace pipeline

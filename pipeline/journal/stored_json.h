#pragma once
// JSON text the journal stores (facts, decisions), read back for sidecars and queue messages.
// Private to pipeline/.

#include <string>

#include <nlohmann/json.hpp>

namespace pipeline {

// The parsed value, or null when the text is empty or not JSON.
inline nlohmann::json parse_stored_json(const std::string& text) {
  if (text.empty()) return nullptr;
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(nullptr) : value;
}

}  // namespace pipeline

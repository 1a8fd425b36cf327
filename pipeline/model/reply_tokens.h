#pragma once
// Token counts as a reply claims them, kept within what one request can bill: a broken or
// hostile reply must not make the sums over retries and tiers negative or overflow them.
// Private to pipeline/model: it speaks nlohmann::json.

#include <nlohmann/json.hpp>

namespace pipeline {

// The count at `key` clamped to 0..10^8; 0 when absent or not an integer.
int token_count(const nlohmann::json& object, const char* key);

}  // namespace pipeline

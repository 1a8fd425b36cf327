#include "pipeline/model/reply_tokens.h"

#include <algorithm>
#include <cstdint>

namespace pipeline {

namespace {
constexpr std::int64_t k_max_reply_tokens = 100'000'000;
}  // namespace

int token_count(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  if (it->is_number_unsigned()) {
    return static_cast<int>(std::min<std::uint64_t>(it->get<std::uint64_t>(), k_max_reply_tokens));
  }
  return static_cast<int>(std::clamp<std::int64_t>(it->get<std::int64_t>(), 0, k_max_reply_tokens));
}

}  // namespace pipeline

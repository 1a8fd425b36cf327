#pragma once
// Paths of the generated media fixtures (fixtures/generate-media.sh) and the worker binary the
// pool tests start.

#include <optional>
#include <string>

#include "media/error.h"
#include "media/normalized.h"

namespace media::test {

inline std::string fixture(const std::string& name) {
  return std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/" + name;
}

// The error code of a failed result, nothing for a success: EXPECT_EQ(error_code(r), code).
inline std::optional<ErrorCode> error_code(const Result<Normalized>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

}  // namespace media::test

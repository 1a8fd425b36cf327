#pragma once
// Paths of the generated media fixtures (fixtures/generate-media.sh) and the worker binary the
// pool tests start.

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "media/error.h"
#include "media/normalized.h"

namespace media::test {

inline std::string fixture(const std::string& name) {
  return std::string(SIFTD_SOURCE_DIR) + "/fixtures/media/" + name;
}

// A whole file, for the tests that hand bytes to a decoder directly.
inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The error code of a failed result, nothing for a success: EXPECT_EQ(error_code(r), code).
inline std::optional<ErrorCode> error_code(const Result<Normalized>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

}  // namespace media::test

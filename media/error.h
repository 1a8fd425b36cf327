#pragma once
// The one error type of media/: a code the caller can branch on, and a detail for people.

#include <string>
#include <string_view>

#include <optional>

#include <tl/expected.hpp>

#include "media/normalized.h"

namespace media {

enum class ErrorCode {
  unsupported,  // content is not a kind or format siftd reads
  corrupt,      // the decoder refused the content
  truncated,    // the file ends before its own structure does: a cut-off upload or copy
  too_large,    // over a configured limit (pixels, bytes, duration, pages)
  encrypted,    // a password-protected document
  timeout,      // the decode ran past its wall-clock deadline
  crashed,      // the worker process died while decoding
  io,           // the file could not be read
  internal,     // a library failed in a way the content does not explain
  // internal stays last: the worker protocol refuses codes above it.
};

struct Error {
  ErrorCode code;
  std::string detail;
  // What probing found, when the failure came after it (a corrupt image is still an image).
  std::optional<Kind> kind = std::nullopt;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string detail) {
  return tl::unexpected<Error>(Error{code, std::move(detail)});
}

std::string_view to_string(ErrorCode code);

}  // namespace media

#pragma once
// The one error type of pipeline/: a code the caller branches on (retry a timeout, park on
// quota, quarantine a bad file) and a detail for people.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace pipeline {

enum class ErrorCode {
  media,          // normalization failed; detail carries media's code and text
  invalid_reply,  // the model's reply broke the schema or left the taxonomy
  blocked,        // the provider refused the file (a safety block): a person must look at it
  timeout,        // the request ran past its deadline
  rate_limited,   // 429 after the retries
  quota,          // a per-day quota is exhausted; work is parked
  paused,         // the server asked for a wait beyond model.max_server_wait_s
  server,         // 5xx after the retries
  client,         // another 4xx that retrying cannot fix (400, 422)
  auth,           // 401 or 403: the key is missing, wrong, revoked, or not allowed this model
  not_found,      // 404: the model (or the endpoint's path) does not exist
  network,        // connection refused, reset, DNS
  over_budget,    // the spend cap is reached
  circuit_open,   // the breaker refuses requests for now
  cancelled,      // shutdown
  io,             // a filesystem operation failed
  exists,         // a destination is taken and may not be overwritten
  unsafe_path,    // a destination folder is a symlink (or a ".."): placement never follows one
  no_space,       // the filesystem is full (ENOSPC, EDQUOT): the work waits for room
  journal,        // SQLite failed
  queue,          // a queue sink could not publish
  internal,
};

struct Error {
  ErrorCode code;
  std::string detail;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string detail) {
  return tl::unexpected<Error>(Error{code, std::move(detail)});
}

std::string_view to_string(ErrorCode code);

// The code for a failed filesystem call's errno: no_space for a full disk or quota, else io.
ErrorCode io_error_code(int error_number);

}  // namespace pipeline

#pragma once
// The one error type of daemon/: a code the caller branches on (above all, a configuration
// error exits 2 and anything else that stops the daemon exits 1) and a detail for people.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "pipeline/error.h"

namespace daemon_core {

enum class ErrorCode {
  config,   // the configuration (file, flags or environment) is wrong or incomplete
  io,       // a file or folder cannot be created, read or written
  journal,  // a SQLite store (journal, decision log, outbox, result cache) cannot be used
  watch,    // a folder cannot be watched (inotify)
  network,  // a socket cannot be opened (the HTTP endpoint)
  running,  // another siftd already works on this work area or journal
  workers,  // the decoder worker processes cannot start
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

// A pipeline error seen from the daemon: a store that failed stays a journal error, a refused
// key or an unknown model is a configuration error, the rest are input and output. `context` is put
// before the detail ("model: ...").
tl::unexpected<Error> fail(const pipeline::Error& error, const std::string& context = "");

std::string_view to_string(ErrorCode code);

}  // namespace daemon_core

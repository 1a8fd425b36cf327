#include "daemon/error.h"

namespace daemon_core {

tl::unexpected<Error> fail(const pipeline::Error& error, const std::string& context) {
  const ErrorCode code =
      error.code == pipeline::ErrorCode::journal ? ErrorCode::journal : ErrorCode::io;
  return fail(code, context.empty() ? error.detail : context + ": " + error.detail);
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::config: return "config";
    case ErrorCode::io: return "io";
    case ErrorCode::journal: return "journal";
    case ErrorCode::watch: return "watch";
    case ErrorCode::network: return "network";
    case ErrorCode::running: return "running";
    case ErrorCode::workers: return "workers";
  }
  return "io";
}

}  // namespace daemon_core

#include "daemon/error.h"

namespace daemon_core {

tl::unexpected<Error> fail(const pipeline::Error& error, const std::string& context) {
  ErrorCode code = ErrorCode::io;
  if (error.code == pipeline::ErrorCode::journal) code = ErrorCode::journal;
  // A refused key or an unknown model fails every request alike: the configuration is wrong.
  if (error.code == pipeline::ErrorCode::auth || error.code == pipeline::ErrorCode::not_found)
    code = ErrorCode::config;
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

#include "pipeline/error.h"

#include <cerrno>

namespace pipeline {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::media: return "media";
    case ErrorCode::invalid_reply: return "invalid_reply";
    case ErrorCode::blocked: return "blocked";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::quota: return "quota";
    case ErrorCode::paused: return "paused";
    case ErrorCode::server: return "server";
    case ErrorCode::client: return "client";
    case ErrorCode::auth: return "auth";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::network: return "network";
    case ErrorCode::over_budget: return "over_budget";
    case ErrorCode::circuit_open: return "circuit_open";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::io: return "io";
    case ErrorCode::exists: return "exists";
    case ErrorCode::unsafe_path: return "unsafe_path";
    case ErrorCode::no_space: return "no_space";
    case ErrorCode::journal: return "journal";
    case ErrorCode::queue: return "queue";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

ErrorCode io_error_code(int error_number) {
  return error_number == ENOSPC || error_number == EDQUOT ? ErrorCode::no_space : ErrorCode::io;
}

}  // namespace pipeline

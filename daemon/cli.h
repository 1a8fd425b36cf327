#pragma once
// The command line: one small function per subcommand, each building the parts it needs.
// Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.

#include "daemon/error.h"

namespace daemon_core {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

// A configuration error is the user's to fix (2); anything else failed at run time (1).
inline int exit_code(const Error& error) {
  return error.code == ErrorCode::config ? k_exit_usage : k_exit_failure;
}

int run_cli(int argc, char** argv);

}  // namespace daemon_core

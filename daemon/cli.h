#pragma once
// The command line: one small function per subcommand, each building the parts it needs.
// Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.

namespace daemon_core {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

int run_cli(int argc, char** argv);

}  // namespace daemon_core

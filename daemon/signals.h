#pragma once
// SIGTERM, SIGINT and SIGHUP arrive through a signalfd that the service loop polls. They are
// blocked in every thread: block_signals() runs in main before any thread starts.

#include <optional>

#include "media/unique_fd.h"

namespace daemon_core {

void block_signals();
media::UniqueFd open_signal_fd();
// The next pending signal number, if any.
std::optional<int> read_signal(int signal_fd);

}  // namespace daemon_core

#pragma once
// The daemon uses pipeline's move-only file descriptor owner.

#include "pipeline/unique_fd.h"

namespace daemon_core {
using pipeline::UniqueFd;
}  // namespace daemon_core

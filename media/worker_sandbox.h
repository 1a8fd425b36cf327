#pragma once
// What a decoder worker gives up before it reads its first file: new privileges
// (PR_SET_NO_NEW_PRIVS), every capability (when started as root), core dumps and a large
// descriptor table (hard rlimits), and every system call decoding does not need (a seccomp
// filter). A decoder taken over by a hostile file can then read files and burn its own CPU
// and memory, nothing more. Private to media/.

#include "media/error.h"

namespace media {

// Irreversible for the calling process; an error when any step fails, so that a worker never
// runs half-sandboxed.
Result<void> enter_worker_sandbox();

}  // namespace media

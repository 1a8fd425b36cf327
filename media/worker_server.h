#pragma once
// The worker side of process isolation: `siftd worker` reads requests on one descriptor,
// normalizes each file in-process under memory and CPU rlimits, and writes the answer on the
// other, until the pool closes the connection.

namespace media {

// Returns the process exit code. Test hook: when the environment has
// SIFTD_TEST_WORKER_FAULTS=1, a file whose name contains "siftd-fault-crash" makes the worker
// die of SIGSEGV, "siftd-fault-hang" makes it spin forever, "siftd-fault-bloat" makes it touch
// 4 GiB of memory, and "siftd-fault-crash-once" crashes only while "<file>.crashed" does not
// exist yet (it creates it). Nothing else reads that variable.
int serve_worker(int in_fd, int out_fd);

}  // namespace media

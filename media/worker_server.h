#pragma once
// The worker side of process isolation: `siftd worker` reads requests on one descriptor,
// normalizes each file in-process under memory and CPU rlimits, and writes the answer on the
// other, until the pool closes the connection.

namespace media {

// Returns the process exit code. The tests provoke faults in it by file name or content
// (media/test_faults.h).
int serve_worker(int in_fd, int out_fd);

}  // namespace media

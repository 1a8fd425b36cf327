// The worker process the media tests start: the same serve_worker() that `siftd worker` runs,
// without the daemon around it, so media tests build and run on media/ alone.
#include <unistd.h>

#include "media/worker_server.h"

int main() {
  return media::serve_worker(STDIN_FILENO, STDOUT_FILENO);
}

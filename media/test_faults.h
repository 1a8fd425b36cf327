#pragma once
// Faults the tests provoke inside a decoder, chosen by file name, to prove that a crash, hang,
// memory blow-up, exception or forbidden system call costs one file and never the daemon.
// Active only when the environment has SIFTD_TEST_WORKER_FAULTS=1; nothing else reads it.

#include <string>

namespace media {

// Called by normalize_file() before any decoder. A file whose name or first 64 bytes contain
//   siftd-fault-crash        dies of SIGSEGV;
//   siftd-fault-crash-once   dies of SIGSEGV once per byte it can read from the FIFO
//                            "<file>.once" (the test holds its write end), else decodes;
//   siftd-fault-hang         spins forever;
//   siftd-fault-bloat        touches 4 GiB of memory;
//   siftd-fault-throw        throws std::bad_alloc;
//   siftd-fault-oddthrow     throws something that is not a std::exception;
//   siftd-fault-socket       opens an Internet socket;
//   siftd-fault-exec         replaces the process with /bin/true.
// The last two throw std::runtime_error naming the system call when the sandbox refuses it
// with an error rather than killing the process; when they succeed, the file decodes normally.
void inject_test_fault(const std::string& path);

}  // namespace media

#include "media/test_faults.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

namespace media {
namespace {

// The daemon hands workers the file under its work-area name, so the content can ask too.
std::string name_and_head(const std::string& path) {
  std::string head(64, '\0');
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const ssize_t got = fd < 0 ? 0 : ::read(fd, head.data(), head.size());
  if (fd >= 0) ::close(fd);
  head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return path + "\n" + head;
}

[[noreturn]] void refused(const char* call) {
  throw std::runtime_error(std::string("test fault: the system call ") + call +
                           " was refused: " + std::strerror(errno));
}

// Reads one token from the FIFO beside the file; without the test's writer there is none.
bool take_crash_token(const std::string& path) {
  const int fd = ::open((path + ".once").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  char token = 0;
  const bool taken = ::read(fd, &token, 1) == 1;
  ::close(fd);
  return taken;
}

}  // namespace

void inject_test_fault(const std::string& path) {
  const char* enabled = std::getenv("SIFTD_TEST_WORKER_FAULTS");
  if (!enabled || std::string(enabled) != "1") return;
  const std::string key = name_and_head(path);
  auto named = [&key](const char* fault) { return key.find(fault) != std::string::npos; };
  if (named("siftd-fault-crash-once")) {
    if (take_crash_token(path)) std::raise(SIGSEGV);
    return;
  }
  if (named("siftd-fault-crash")) std::raise(SIGSEGV);
  if (named("siftd-fault-bloat")) {
    // Touches memory until something stops it: RLIMIT_AS (bad_alloc) or the pool's RSS watch.
    std::vector<std::unique_ptr<char[]>> chunks;
    for (int i = 0; i < 256; ++i) {
      chunks.push_back(std::make_unique<char[]>(16u << 20));
      std::memset(chunks.back().get(), 1, 16u << 20);
    }
  }
  if (named("siftd-fault-hang")) {
    for (volatile bool spin = true; spin;) {
    }
  }
  if (named("siftd-fault-throw")) throw std::bad_alloc();
  if (named("siftd-fault-oddthrow")) throw 42;
  if (named("siftd-fault-socket")) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) refused("socket()");
    ::close(fd);
  }
  if (named("siftd-fault-exec")) {
    char program[] = "/bin/true";
    char* argv[] = {program, nullptr};
    char* envp[] = {nullptr};
    ::execve(program, argv, envp);
    refused("execve()");
  }
}

}  // namespace media

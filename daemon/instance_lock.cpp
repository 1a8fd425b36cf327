#include "daemon/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "pipeline/route/placement.h"

namespace daemon_core {
namespace {

namespace fs = std::filesystem;

// The pid the holder wrote. It writes it just after it locks, so a few short retries.
std::string holder_pid(int fd) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    char buffer[32] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n > 0) {
      std::string text(buffer, static_cast<std::size_t>(n));
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      if (!text.empty() &&
          std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        return text;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "unknown";
}

Result<media::UniqueFd> lock_file(const std::string& path, const std::string& guarded) {
  if (auto ok = pipeline::make_directories(fs::path(path).parent_path().string()); !ok)
    return fail(ok.error());
  // O_CLOEXEC: a worker process must never inherit (and so outlive us holding) the lock.
  media::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd)
    return fail(ErrorCode::io, "cannot open the lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK)
      return fail(ErrorCode::io, "cannot lock " + path + ": " + std::strerror(errno));
    return fail(ErrorCode::running, "another siftd (pid " + holder_pid(fd.get()) +
                                        ") is running on " + guarded + " (it holds " + path +
                                        "); stop it first, or give this one its own inbox, "
                                        "work area and journal");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 ||
      ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return fail(ErrorCode::io, "cannot write the lock file " + path + ": " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

Result<InstanceLock> InstanceLock::acquire(const Config& config) {
  // Each lock file with what it guards, for the message. The journal has its own: two daemons
  // with their own work areas could still share one journal.
  std::vector<std::pair<std::string, std::string>> locks;
  for (const auto& folder : config.folders())
    locks.emplace_back(folder.work_area + "/siftd.lock", folder.work_area);
  locks.emplace_back(config.journal_path() + ".lock", "the journal " + config.journal_path());
  std::sort(locks.begin(), locks.end());  // the journal may live in a work area: lock it once
  locks.erase(std::unique(locks.begin(), locks.end()), locks.end());

  std::vector<media::UniqueFd> fds;
  for (const auto& [path, guarded] : locks) {
    auto fd = lock_file(path, guarded);
    if (!fd) return tl::unexpected(fd.error());
    fds.push_back(std::move(*fd));
  }
  return InstanceLock(std::move(fds));
}

}  // namespace daemon_core

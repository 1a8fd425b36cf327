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

// Each work area's lock file -> what it guards, for the message.
std::map<std::string, std::string> work_area_locks(const Config& config) {
  std::map<std::string, std::string> locks;
  for (const auto& folder : config.folders())
    locks.emplace(folder.work_area + "/siftd.lock", folder.work_area);
  return locks;
}

}  // namespace

Result<InstanceLock> InstanceLock::acquire(const Config& config) {
  // The journal has its own lock: two daemons with their own work areas could still share one.
  auto locks = work_area_locks(config);
  const std::string journal_lock = config.journal_path() + ".lock";
  locks.emplace(journal_lock, "the journal " + config.journal_path());  // once, if in a work area

  Held held;
  for (const auto& [path, guarded] : locks) {
    auto fd = lock_file(path, guarded);
    if (!fd) return tl::unexpected(fd.error());
    held.emplace(path, std::move(*fd));
  }
  return InstanceLock(std::move(held), journal_lock);
}

Result<void> InstanceLock::cover(const Config& config) {
  const auto wanted = work_area_locks(config);
  Held taken;
  for (const auto& [path, guarded] : wanted) {
    if (m_held.count(path) != 0) continue;
    auto fd = lock_file(path, guarded);
    if (!fd) return tl::unexpected(fd.error());  // `taken` unlocks what this call locked
    taken.emplace(path, std::move(*fd));
  }
  for (auto it = m_held.begin(); it != m_held.end();) {
    const bool kept = it->first == m_journal_lock || wanted.count(it->first) != 0;
    it = kept ? std::next(it) : m_held.erase(it);
  }
  m_held.merge(taken);
  return {};
}

}  // namespace daemon_core

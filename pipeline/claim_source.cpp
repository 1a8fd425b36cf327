#include "pipeline/claim_source.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>

namespace pipeline {
namespace {

std::string identity_of(const struct stat& info) {
  return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" +
         std::to_string(info.st_ctim.tv_sec) + "." + std::to_string(info.st_ctim.tv_nsec);
}

}  // namespace

Result<std::optional<ClaimSource>> open_claim_source(const std::string& path) {
  struct stat seen {};
  if (::lstat(path.c_str(), &seen) != 0) {
    if (errno == ENOENT) return std::optional<ClaimSource>{};
    return fail(ErrorCode::io, "cannot look at " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(seen.st_mode)) return fail(ErrorCode::io, "not a regular file: " + path);
  ClaimSource source;
  source.size = static_cast<std::uint64_t>(seen.st_size);
  source.identity = identity_of(seen);
  // O_NOFOLLOW and O_NONBLOCK: a symlink or a FIFO swapped in since the lstat is neither
  // followed nor blocks the open.
  source.fd.reset(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!source.fd) {
    const int saved = errno;
    if (saved == ENOENT) return std::optional<ClaimSource>{};
    if (saved != EACCES && saved != EPERM) {
      return fail(ErrorCode::io, "cannot open " + path + ": " + std::strerror(saved));
    }
    source.unreadable = std::strerror(saved);
    return std::optional<ClaimSource>{std::move(source)};
  }
  struct stat opened {};
  if (::fstat(source.fd.get(), &opened) != 0 || opened.st_ino != seen.st_ino ||
      opened.st_dev != seen.st_dev) {
    return std::optional<ClaimSource>{};  // replaced meanwhile: the new file is seen again
  }
  return std::optional<ClaimSource>{std::move(source)};
}

bool ReportedOnce::first_time(const std::string& key) {
  std::lock_guard lock(m_mutex);
  return m_seen.insert(key).second;
}

}  // namespace pipeline

#include "pipeline/route/output_access.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/unique_fd.h"

namespace pipeline {
namespace {

Result<void> apply_to_fd(const OutputAccess& access, int fd, std::optional<mode_t> mode,
                         const std::string& path) {
  if (access.group && ::fchown(fd, static_cast<uid_t>(-1), *access.group) != 0) {
    return fail(io_error_code(errno), "chgrp " + path + ": " + std::strerror(errno));
  }
  if (mode && ::fchmod(fd, *mode) != 0) {
    return fail(io_error_code(errno), "chmod " + path + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<void> apply_file_access(const OutputAccess& access, int directory_fd,
                               const std::string& name, const std::string& path) {
  if (!access.group && !access.file_mode) return {};
  // O_PATH cannot fchmod; the file is siftd's own, so it can open it to read.
  media::UniqueFd fd(::openat(directory_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail(io_error_code(errno), "open " + path + ": " + std::strerror(errno));
  return apply_to_fd(access, fd.get(), access.file_mode, path);
}

Result<void> apply_folder_access(const OutputAccess& access, int folder_fd,
                                 const std::string& path) {
  return apply_to_fd(access, folder_fd, access.dir_mode, path);
}

}  // namespace pipeline

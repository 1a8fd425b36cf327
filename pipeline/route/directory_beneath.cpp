#include "pipeline/route/directory_beneath.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace pipeline {
namespace {

constexpr int k_directory_flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A folder is usable without its configured access (a filesystem that refuses chmod or
// chgrp): said in the log, not an error of the file being placed.
void give_access(const OutputAccess& access, int fd, const std::string& path) {
  if (auto ok = apply_folder_access(access, fd, path); !ok)
    spdlog::warn("output access: {}", ok.error().detail);
}

// Opens one component below `parent` without following it.
Result<media::UniqueFd> open_component(const OpenDirectory& parent, const std::string& name,
                                       const std::string& path, const std::string& root,
                                       bool create, const OutputAccess& created) {
  if (name == "." || name == "..") {
    return fail(ErrorCode::unsafe_path, path + ": a \"" + name + "\" would leave " + root);
  }
  const bool made = create && ::mkdirat(parent.fd.get(), name.c_str(), 0755) == 0;
  if (create && !made && errno != EEXIST) {
    return fail(io_error_code(errno), errno_text("cannot create " + path));
  }
  media::UniqueFd fd(::openat(parent.fd.get(), name.c_str(), k_directory_flags | O_NOFOLLOW));
  if (fd && made) give_access(created, fd.get(), path);
  if (fd) return fd;
  const int saved = errno;
  struct stat info {};
  if (::fstatat(parent.fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISLNK(info.st_mode)) {
    return fail(ErrorCode::unsafe_path, path + " is a symlink; siftd never follows one out of " +
                                            root + ", so nothing is placed through it");
  }
  errno = saved;
  return fail(ErrorCode::io, errno_text("cannot open the folder " + path));
}

}  // namespace

Result<void> make_directories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error)
    return fail(io_error_code(error.value()), "cannot create " + path + ": " + error.message());
  return {};
}

bool is_beneath(const std::string& path, const std::string& root) {
  if (path == root) return true;
  if (root == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

Result<OpenDirectory> open_directory(const std::string& path, bool create) {
  if (create) {
    if (auto ok = make_directories(path); !ok) return tl::unexpected(ok.error());
  }
  media::UniqueFd fd(::open(path.c_str(), k_directory_flags));
  if (!fd) return fail(ErrorCode::io, errno_text("cannot open the folder " + path));
  return OpenDirectory{std::move(fd), path};
}

Result<OpenDirectory> open_directory_beneath(const std::string& root, const std::string& directory,
                                             bool create, const OutputAccess& created) {
  if (!is_beneath(directory, root)) {
    return fail(ErrorCode::unsafe_path, directory + " is not under " + root);
  }
  struct stat info {};
  const bool root_missing = create && ::stat(root.c_str(), &info) != 0 && errno == ENOENT;
  auto current = open_directory(root, create);
  if (!current) return current;
  if (root_missing) give_access(created, current->fd.get(), root);
  std::size_t at = root.size();
  while (at < directory.size()) {
    while (at < directory.size() && directory[at] == '/') ++at;
    if (at == directory.size()) break;
    const auto end = std::min(directory.find('/', at), directory.size());
    const std::string name = directory.substr(at, end - at);
    const std::string path = directory.substr(0, end);
    auto next = open_component(*current, name, path, root, create, created);
    if (!next) return tl::unexpected(next.error());
    current = OpenDirectory{std::move(*next), path};
    at = end;
  }
  return current;
}

}  // namespace pipeline

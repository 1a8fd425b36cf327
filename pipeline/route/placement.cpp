#include "pipeline/route/placement.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pipeline/file_hash.h"

namespace pipeline {
namespace {

constexpr int k_max_name_attempts = 10'000;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A failed call's error: what was tried and why, with the code its errno calls for (no_space
// for a full disk, so the caller waits for room instead of giving up on the file).
tl::unexpected<Error> errno_error(const std::string& what) {
  return fail(io_error_code(errno), errno_text(what));
}

// Room for a copy beyond its own bytes: its sidecar and the folder's growth.
constexpr std::uint64_t k_space_margin = std::uint64_t{64} * 1024;

// Checked before a copy starts, so a full disk costs a statvfs, not a half-written file.
Result<void> check_room(const std::string& from, const OpenDirectory& directory) {
  struct stat info {};
  struct statvfs room {};
  if (::stat(from.c_str(), &info) != 0 || ::fstatvfs(directory.fd.get(), &room) != 0) {
    return {};  // cannot tell: the copy itself will say
  }
  const std::uint64_t free = static_cast<std::uint64_t>(room.f_bavail) * room.f_frsize;
  const std::uint64_t needed = static_cast<std::uint64_t>(info.st_size) + k_space_margin;
  if (free >= needed) return {};
  return fail(ErrorCode::no_space, directory.path + " has " + std::to_string(free) +
                                       " bytes free; the file needs " + std::to_string(needed));
}

int rename_into(const std::string& from, const OpenDirectory& directory, const std::string& name) {
  return static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), directory.fd.get(),
                                    name.c_str(), RENAME_NOREPLACE));
}

// A temp name derived from the target's: one owner per target, so a retry after a crash
// overwrites (and so cleans up) what an interrupted attempt left, and no stray file stays.
// A name too long to take the dot and the purpose is replaced by its hash.
std::string temp_name(const std::string& name, const std::string& purpose) {
  const std::string stem =
      name.size() + purpose.size() + 2 > k_name_max ? sha256_bytes(name).substr(0, 32) : name;
  return "." + stem + "." + purpose;
}

Result<void> fsync_open_directory(const OpenDirectory& directory) {
  if (::fsync(directory.fd.get()) != 0) return errno_error("fsync " + directory.path);
  return {};
}

Result<void> write_all(int fd, const char* data, std::size_t size, const std::string& what) {
  for (std::size_t written = 0; written < size;) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("write " + what);
    written += static_cast<std::size_t>(n);
  }
  return {};
}

// Copies `from` into the hidden temp file `temp` in `directory`, fsynced.
Result<void> copy_to_temp(const std::string& from, const OpenDirectory& directory,
                          const std::string& temp) {
  media::UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) return errno_error("open " + from);
  const std::string temp_path = directory.path + "/" + temp;
  media::UniqueFd out(::openat(directory.fd.get(), temp.c_str(),
                               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!out) return errno_error("create " + temp_path);
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t count = ::read(in.get(), buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return errno_error("read " + from);
    if (count == 0) break;
    if (auto ok = write_all(out.get(), buffer.data(), static_cast<std::size_t>(count), temp_path);
        !ok)
      return ok;
  }
  if (::fsync(out.get()) != 0) return errno_error("fsync " + temp_path);
  return {};
}

// Copies across filesystems: temp copy, fsync, verify, link to the target (which refuses to
// overwrite), then remove the temp name and the source.
Result<void> place_by_copy(const std::string& from, const OpenDirectory& directory,
                           const std::string& name, const std::string& sha256) {
  if (auto ok = check_room(from, directory); !ok) return ok;
  const int dir = directory.fd.get();
  const std::string temp = temp_name(name, "siftd-copy");
  auto remove_temp = [&] {
    const int saved = errno;
    ::unlinkat(dir, temp.c_str(), 0);
    errno = saved;
  };
  if (auto ok = copy_to_temp(from, directory, temp); !ok) {
    remove_temp();
    return ok;
  }
  media::UniqueFd copy(::openat(dir, temp.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  Result<std::string> copied =
      copy ? sha256_fd(copy.get(), directory.path + "/" + temp) : errno_error("open " + temp);
  if (!copied || (!sha256.empty() && *copied != sha256)) {
    remove_temp();
    return fail(ErrorCode::io, "the copy of " + from + " does not match its hash");
  }
  const int rc = ::linkat(dir, temp.c_str(), dir, name.c_str(), 0);
  remove_temp();
  if (rc != 0) {
    return fail(errno == EEXIST ? ErrorCode::exists : io_error_code(errno),
                errno_text("link " + directory.path + "/" + name));
  }
  if (auto ok = fsync_open_directory(directory); !ok) return ok;
  if (::unlink(from.c_str()) != 0 && errno != ENOENT) return errno_error("unlink " + from);
  return {};
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string numbered_name(const std::string& name, int number) {
  if (number == 0) return name;
  const auto dot = name.rfind('.');
  const std::string suffix = " (" + std::to_string(number) + ")";
  if (dot == std::string::npos || dot == 0) return name + suffix;
  return name.substr(0, dot) + suffix + name.substr(dot);
}

std::string fit_name(const std::string& name, std::size_t max_bytes) {
  if (name.size() <= max_bytes) return name;
  constexpr std::size_t k_longest_extension = 16;
  const auto dot = name.rfind('.');
  const bool has_extension =
      dot != std::string::npos && dot > 0 && name.size() - dot <= k_longest_extension;
  const std::string extension = has_extension ? name.substr(dot) : std::string();
  if (extension.size() >= max_bytes) return name.substr(0, max_bytes);
  std::size_t cut = max_bytes - extension.size();
  // Back off over UTF-8 continuation bytes (10xxxxxx) so no character is split; a name that
  // is not UTF-8 loses at most three more bytes.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80; ++i)
    --cut;
  return name.substr(0, cut) + extension;
}

std::string fitting_numbered_name(const std::string& name, int number, std::size_t reserve) {
  const std::size_t number_bytes = numbered_name("", number).size();  // " (n)", or nothing
  const std::size_t room = k_name_max - std::min(k_name_max - 1, reserve + number_bytes);
  return numbered_name(fit_name(name, room), number);
}

Result<void> fsync_directory(const std::string& path) {
  auto directory = open_directory(path, /*create=*/false);
  if (!directory) return tl::unexpected(directory.error());
  return fsync_open_directory(*directory);
}

Result<std::string> first_free_path(const std::string& directory, const std::string& name) {
  for (int number = 0; number < k_max_name_attempts; ++number) {
    std::string target = directory + "/" + fitting_numbered_name(name, number);
    struct stat info {};
    if (::lstat(target.c_str(), &info) != 0) {
      if (errno == ENOENT) return target;
      return errno_error("stat " + target);
    }
  }
  return fail(ErrorCode::exists, "no free name for " + name + " in " + directory);
}

Result<void> place_file_in(const std::string& from, const OpenDirectory& directory,
                           const std::string& name, const std::string& sha256) {
  const std::string target = directory.path + "/" + name;
  if (rename_into(from, directory, name) == 0) return fsync_open_directory(directory);
  if (errno == EEXIST) return fail(ErrorCode::exists, target + " is taken");
  if (errno == EXDEV) return place_by_copy(from, directory, name, sha256);
  if (errno == EINVAL || errno == ENOSYS) {
    // The filesystem lacks RENAME_NOREPLACE: link() refuses to overwrite just the same.
    if (::linkat(AT_FDCWD, from.c_str(), directory.fd.get(), name.c_str(), 0) == 0) {
      ::unlink(from.c_str());
      return fsync_open_directory(directory);
    }
    if (errno == EEXIST) return fail(ErrorCode::exists, target + " is taken");
    if (errno == EXDEV) return place_by_copy(from, directory, name, sha256);
  }
  return errno_error("move " + from + " to " + target);
}

Result<void> place_file_at(const std::string& from, const std::string& target,
                           const std::string& sha256) {
  auto directory = open_directory(parent_of(target), /*create=*/false);
  if (!directory) return tl::unexpected(directory.error());
  return place_file_in(from, *directory, base_of(target), sha256);
}

Result<std::string> place_file(const std::string& from, const std::string& directory,
                               const std::string& name, const std::string& sha256) {
  if (auto ok = make_directories(directory); !ok) return tl::unexpected(ok.error());
  for (int attempt = 0; attempt < k_max_name_attempts; ++attempt) {
    auto target = first_free_path(directory, name);
    if (!target) return target;
    auto placed = place_file_at(from, *target, sha256);
    if (placed) return *target;
    if (placed.error().code != ErrorCode::exists) return tl::unexpected(placed.error());
  }
  return fail(ErrorCode::exists, "no free name for " + name + " in " + directory);
}

Result<void> write_file_in(const OpenDirectory& directory, const std::string& name,
                           const std::string& content, bool replace) {
  const int dir = directory.fd.get();
  const std::string temp = temp_name(name, "siftd-write");
  const std::string path = directory.path + "/" + name;
  auto remove_temp = [&] {
    const int saved = errno;
    ::unlinkat(dir, temp.c_str(), 0);
    errno = saved;
  };
  {
    media::UniqueFd out(
        ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out) return errno_error("create " + directory.path + "/" + temp);
    auto written = write_all(out.get(), content.data(), content.size(), path);
    if (written && ::fsync(out.get()) != 0) written = errno_error("fsync " + path);
    if (!written) {
      remove_temp();
      return written;
    }
  }
  const int rc = replace ? ::renameat(dir, temp.c_str(), dir, name.c_str())
                         : static_cast<int>(::syscall(SYS_renameat2, dir, temp.c_str(), dir,
                                                      name.c_str(), RENAME_NOREPLACE));
  if (rc != 0) {
    remove_temp();
    return fail(errno == EEXIST ? ErrorCode::exists : io_error_code(errno),
                errno_text("rename to " + path));
  }
  return fsync_open_directory(directory);
}

Result<void> write_file_atomic(const std::string& path, const std::string& content, bool replace) {
  auto directory = open_directory(parent_of(path), /*create=*/false);
  if (!directory) return tl::unexpected(directory.error());
  return write_file_in(*directory, base_of(path), content, replace);
}

}  // namespace pipeline

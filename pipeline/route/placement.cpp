#include "pipeline/route/placement.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "media/unique_fd.h"
#include "pipeline/file_hash.h"

namespace pipeline {
namespace {

constexpr int k_max_name_attempts = 10'000;

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

int rename_noreplace(const std::string& from, const std::string& to) {
  return static_cast<int>(
      ::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE));
}

// A temp name derived from the target: one owner per target, so a retry after a crash
// overwrites (and so cleans up) what an interrupted attempt left, and no stray file stays.
// A name too long to take the dots and the purpose is replaced by its hash.
std::string temp_beside(const std::string& target, const std::string& purpose) {
  const auto slash = target.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : target.substr(0, slash);
  std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
  if (name.size() + purpose.size() + 2 > k_name_max) name = sha256_bytes(name).substr(0, 32);
  return directory + "/." + name + "." + purpose;
}

Result<void> fsync_path(const std::string& path) {
  media::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(ErrorCode::io, errno_text("open " + path));
  if (::fsync(fd.get()) != 0) return fail(ErrorCode::io, errno_text("fsync " + path));
  return {};
}

// Copies `from` into a hidden temp file beside `target`, fsynced. Returns its path.
Result<std::string> copy_to_temp(const std::string& from, const std::string& target) {
  media::UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) return fail(ErrorCode::io, errno_text("open " + from));
  const std::string temp = temp_beside(target, "siftd-copy");
  media::UniqueFd out(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!out) return fail(ErrorCode::io, errno_text("create " + temp));
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t count = ::read(in.get(), buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      ::unlink(temp.c_str());
      return fail(ErrorCode::io, errno_text("read " + from));
    }
    if (count == 0) break;
    for (ssize_t written = 0; written < count;) {
      const ssize_t n =
          ::write(out.get(), buffer.data() + written, static_cast<std::size_t>(count - written));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        return fail(ErrorCode::io, errno_text("write " + temp));
      }
      written += n;
    }
  }
  if (::fsync(out.get()) != 0) {
    ::unlink(temp.c_str());
    return fail(ErrorCode::io, errno_text("fsync " + temp));
  }
  return temp;
}

// Copies across filesystems: temp copy, fsync, verify, link to the target (which refuses to
// overwrite), then remove the temp name and the source.
Result<void> place_by_copy(const std::string& from, const std::string& target,
                           const std::string& sha256) {
  const auto slash = target.rfind('/');
  const std::string directory = target.substr(0, slash);
  auto temp = copy_to_temp(from, target);
  if (!temp) return tl::unexpected(temp.error());
  auto copied = sha256_file(*temp);
  if (!copied || (!sha256.empty() && *copied != sha256)) {
    ::unlink(temp->c_str());
    return fail(ErrorCode::io, "the copy of " + from + " does not match its hash");
  }
  const int rc = ::link(temp->c_str(), target.c_str());
  const int saved = errno;
  ::unlink(temp->c_str());
  if (rc != 0) {
    errno = saved;
    return fail(saved == EEXIST ? ErrorCode::exists : ErrorCode::io, errno_text("link " + target));
  }
  if (auto ok = fsync_directory(directory); !ok) return ok;
  if (::unlink(from.c_str()) != 0 && errno != ENOENT)
    return fail(ErrorCode::io, errno_text("unlink " + from));
  return {};
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
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

Result<void> make_directories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return fail(ErrorCode::io, "cannot create " + path + ": " + error.message());
  return {};
}

Result<void> fsync_directory(const std::string& path) {
  return fsync_path(path);
}

Result<std::string> first_free_path(const std::string& directory, const std::string& name) {
  for (int number = 0; number < k_max_name_attempts; ++number) {
    std::string target = directory + "/" + fitting_numbered_name(name, number);
    struct stat info {};
    if (::lstat(target.c_str(), &info) != 0) {
      if (errno == ENOENT) return target;
      return fail(ErrorCode::io, errno_text("stat " + target));
    }
  }
  return fail(ErrorCode::exists, "no free name for " + name + " in " + directory);
}

Result<void> place_file_at(const std::string& from, const std::string& target,
                           const std::string& sha256) {
  const std::string directory = parent_of(target);
  if (rename_noreplace(from, target) == 0) return fsync_directory(directory);
  if (errno == EEXIST) return fail(ErrorCode::exists, target + " is taken");
  if (errno == EXDEV) return place_by_copy(from, target, sha256);
  if (errno == EINVAL || errno == ENOSYS) {
    // The filesystem lacks RENAME_NOREPLACE: link() refuses to overwrite just the same.
    if (::link(from.c_str(), target.c_str()) == 0) {
      ::unlink(from.c_str());
      return fsync_directory(directory);
    }
    if (errno == EEXIST) return fail(ErrorCode::exists, target + " is taken");
    if (errno == EXDEV) return place_by_copy(from, target, sha256);
  }
  return fail(ErrorCode::io, errno_text("move " + from + " to " + target));
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

Result<void> write_file_atomic(const std::string& path, const std::string& content, bool replace) {
  const std::string directory = parent_of(path);
  const std::string temp = temp_beside(path, "siftd-write");
  {
    media::UniqueFd out(
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out) return fail(ErrorCode::io, errno_text("create " + temp));
    std::size_t written = 0;
    while (written < content.size()) {
      const ssize_t n = ::write(out.get(), content.data() + written, content.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::unlink(temp.c_str());
        return fail(ErrorCode::io, errno_text("write " + temp));
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(out.get()) != 0) {
      ::unlink(temp.c_str());
      return fail(ErrorCode::io, errno_text("fsync " + temp));
    }
  }
  const int rc = replace ? ::rename(temp.c_str(), path.c_str()) : rename_noreplace(temp, path);
  if (rc != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    return fail(saved == EEXIST ? ErrorCode::exists : ErrorCode::io,
                errno_text("rename to " + path));
  }
  return fsync_directory(directory);
}

}  // namespace pipeline

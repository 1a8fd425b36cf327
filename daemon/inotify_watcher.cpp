#include "daemon/inotify_watcher.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace daemon_core {
namespace {

constexpr std::uint32_t k_mask = IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_MODIFY |
                                 IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                                 IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

std::string join(const std::string& folder, const char* name) {
  return folder.back() == '/' ? folder + name : folder + "/" + name;
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

Result<InotifyWatcher> InotifyWatcher::create(Skip skip) {
  media::UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd) {
    if (errno == EMFILE) {
      return fail(ErrorCode::watch,
                  "out of inotify instances: raise the sysctl fs.inotify.max_user_instances");
    }
    return fail(ErrorCode::watch, std::string("inotify_init1: ") + std::strerror(errno));
  }
  return InotifyWatcher(std::move(fd), std::move(skip));
}

Result<void> InotifyWatcher::watch_folder(const std::string& folder) {
  const int wd = ::inotify_add_watch(m_fd.get(), folder.c_str(), k_mask | IN_ONLYDIR);
  if (wd < 0) {
    if (errno == ENOSPC) {
      return fail(ErrorCode::watch, "out of inotify watches at " + folder +
                                        ": raise the sysctl fs.inotify.max_user_watches "
                                        "(sysctl -w fs.inotify.max_user_watches=524288)");
    }
    if (errno == ENOENT || errno == ENOTDIR) return {};  // gone before we got to it
    return fail(ErrorCode::watch, "cannot watch " + folder + ": " + std::strerror(errno));
  }
  m_folders[wd] = folder;
  return {};
}

Result<void> InotifyWatcher::watch_tree(const std::string& root) {
  if (auto ok = watch_folder(root); !ok) return ok;
  std::unique_ptr<DIR, DirCloser> dir(::opendir(root.c_str()));
  if (!dir) return {};
  while (const dirent* entry = ::readdir(dir.get())) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    const std::string path = join(root, entry->d_name);
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) continue;
    if (m_skip && m_skip(path)) continue;
    if (auto ok = watch_tree(path); !ok) return ok;
  }
  return {};
}

std::vector<WatchEvent> InotifyWatcher::drain() {
  std::vector<WatchEvent> events;
  alignas(inotify_event) std::array<char, std::size_t{64} * 1024> buffer{};
  for (;;) {
    const ssize_t length = ::read(m_fd.get(), buffer.data(), buffer.size());
    if (length <= 0) break;  // EAGAIN: drained
    for (ssize_t at = 0; at < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) {
        events.push_back({WatchEvent::Type::overflow, ""});
        continue;
      }
      const auto folder = m_folders.find(event->wd);
      if (folder == m_folders.end()) continue;
      if (event->mask & IN_IGNORED) {
        m_folders.erase(folder);
        continue;
      }
      if (event->len == 0) continue;  // an event on the folder itself
      const std::string path = join(folder->second, event->name);
      const bool is_folder = (event->mask & IN_ISDIR) != 0;
      if (is_folder) {
        if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
          if (m_skip && m_skip(path)) continue;
          // Watch first, then let the caller scan: files may already be inside.
          (void)watch_tree(path);
          events.push_back({WatchEvent::Type::folder_added, path});
        }
        continue;
      }
      using Type = WatchEvent::Type;
      if (event->mask & IN_OPEN) events.push_back({Type::opened, path});
      if (event->mask & (IN_MODIFY | IN_ATTRIB | IN_CREATE))
        events.push_back({Type::changed, path});
      if (event->mask & IN_CLOSE_WRITE) events.push_back({Type::closed_write, path});
      if (event->mask & IN_CLOSE_NOWRITE) events.push_back({Type::closed_read, path});
      if (event->mask & IN_MOVED_TO) events.push_back({Type::moved_in, path});
      if (event->mask & (IN_MOVED_FROM | IN_DELETE)) events.push_back({Type::removed, path});
    }
  }
  return events;
}

void scan_tree(const std::string& root, const InotifyWatcher::Skip& skip,
               const std::function<void(const std::string& file)>& found,
               const std::function<void(const std::string& path, const char* why)>& skipped) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(root.c_str()));
  if (!dir) return;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    const std::string path = join(root, entry->d_name);
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      if (!(skip && skip(path))) scan_tree(path, skip, found, skipped);
    } else if (S_ISREG(info.st_mode)) {
      found(path);
    } else if (S_ISLNK(info.st_mode)) {
      skipped(path, "a symlink (never followed)");
    } else if (S_ISFIFO(info.st_mode)) {
      skipped(path, "a FIFO");
    } else if (S_ISSOCK(info.st_mode)) {
      skipped(path, "a socket");
    } else {
      skipped(path, "a device or other special file");
    }
  }
}

}  // namespace daemon_core

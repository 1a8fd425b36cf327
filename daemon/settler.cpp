#include "daemon/settler.h"

#include <sys/stat.h>

namespace daemon_core {

bool stat_identity(const std::string& path, FileIdentity& identity) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  identity.size = info.st_size;
  identity.mtime_ns =
      static_cast<long long>(info.st_mtim.tv_sec) * 1'000'000'000LL + info.st_mtim.tv_nsec;
  identity.inode = info.st_ino;
  return true;
}

Settler::Entry& Settler::touch(const std::string& path) {
  auto [it, inserted] = m_files.try_emplace(path);
  it->second.quiet_since = m_clock.now();
  if (inserted) stat_identity(path, it->second.identity);
  return it->second;
}

void Settler::opened_for_writing(const std::string& path) {
  Entry& entry = touch(path);
  ++entry.writers;
  entry.renamed_in = false;
}

void Settler::closed_after_writing(const std::string& path) {
  Entry& entry = touch(path);
  if (entry.writers > 0) --entry.writers;
  entry.renamed_in = false;
}

void Settler::changed(const std::string& path) {
  Entry& entry = touch(path);
  entry.renamed_in = false;
}

void Settler::moved_in(const std::string& path) {
  Entry& entry = touch(path);
  entry.renamed_in = true;
  entry.writers = 0;
}

void Settler::removed(const std::string& path) {
  m_files.erase(path);
}

std::vector<std::string> Settler::take_ready() {
  std::vector<std::string> ready;
  const auto now = m_clock.now();
  for (auto it = m_files.begin(); it != m_files.end();) {
    Entry& entry = it->second;
    FileIdentity current;
    if (!stat_identity(it->first, current)) {
      it = m_files.erase(it);  // gone, or not a regular file
      continue;
    }
    if (!(current == entry.identity)) {
      // Still changing: restart the quiet period from what we see now.
      entry.identity = current;
      entry.quiet_since = now;
      entry.renamed_in = false;
      ++it;
      continue;
    }
    const bool quiet = now - entry.quiet_since >= m_settle;
    if (entry.writers == 0 && (entry.renamed_in || quiet)) {
      ready.push_back(it->first);
      it = m_files.erase(it);
      continue;
    }
    ++it;
  }
  return ready;
}

std::chrono::milliseconds Settler::next_check() const {
  if (m_files.empty()) return std::chrono::milliseconds::max();
  const auto now = m_clock.now();
  auto soonest = std::chrono::milliseconds::max();
  for (const auto& [path, entry] : m_files) {
    // A file held open is never ready; its close is an event, and a re-check every settle
    // period catches a writer that vanished without one.
    if (entry.writers > 0) {
      soonest = std::min(soonest, m_settle);
      continue;
    }
    if (entry.renamed_in) return std::chrono::milliseconds(0);
    // A due file is taken or restarted by the next take_ready(), so a zero wait cannot spin.
    soonest = std::min(soonest, pipeline::wait_until(entry.quiet_since + m_settle, now));
  }
  return soonest;
}

}  // namespace daemon_core

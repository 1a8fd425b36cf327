#include "daemon/work_area_guard.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include "pipeline/display_text.h"
#include "pipeline/work_area.h"

namespace daemon_core {

using pipeline::printable;

WorkAreaGuard::WorkAreaGuard(const Config& config, pipeline::Journal& journal)
    : m_journal(journal) {
  for (const auto& folder : config.folders()) m_inboxes[folder.work_area].push_back(folder.path);
  struct stat info {};
  if (::stat(journal.path().c_str(), &info) == 0) {
    m_journal_device = info.st_dev;
    m_journal_inode = info.st_ino;
  }
}

std::optional<std::string> WorkAreaGuard::check() {
  for (const auto& [work_area, inboxes] : m_inboxes) {
    struct stat info {};
    if (::stat(work_area.c_str(), &info) == 0) continue;
    std::error_code error;
    std::filesystem::create_directories(work_area, error);
    if (error) {
      return "the work area " + printable(work_area) +
             " was deleted and cannot be recreated: " + error.message();
    }
    spdlog::error(
        "the work area {} was deleted while siftd ran; recreated (files claimed there are lost)",
        printable(work_area));
  }
  struct stat info {};
  if (m_journal_inode != 0 && (::stat(m_journal.path().c_str(), &info) != 0 ||
                               info.st_ino != m_journal_inode || info.st_dev != m_journal_device)) {
    return "the journal " + printable(m_journal.path()) +
           " was deleted or replaced while siftd ran; nothing it records now would survive a "
           "restart, so siftd stops taking files and exits (a restart begins a new journal)";
  }
  return std::nullopt;
}

std::string WorkAreaGuard::adopt_strays(const std::vector<pipeline::FileRecord>& unfinished) {
  std::set<std::string> held;
  for (const auto& row : unfinished)
    held.insert(std::filesystem::path(row.work_path).filename().string());
  std::string lost = m_journal.lost_history();
  std::size_t strays = 0;
  std::int64_t highest_id = 0;
  for (const auto& [work_area, inboxes] : m_inboxes) {
    for (const auto& adopted : pipeline::adopt_unknown_files(work_area, held, inboxes)) {
      ++strays;
      highest_id = std::max(highest_id, adopted.id);
      if (adopted.returned_to.empty()) {
        spdlog::error("no journal row holds \"{}\" and it cannot go back to the inbox: {}",
                      printable(adopted.work_path), printable(adopted.error));
      } else {
        spdlog::warn("no journal row holds \"{}\" (id {} before): put back as \"{}\"",
                     printable(adopted.work_path), adopted.id, printable(adopted.returned_to));
      }
    }
  }
  if (strays > 0) {
    if (auto ok = m_journal.continue_ids_after(highest_id); !ok)
      spdlog::error("journal: {}", ok.error().detail);
    if (lost.empty())
      lost = std::to_string(strays) + " claimed files in the work area had no journal row";
  }
  if (!lost.empty()) {
    spdlog::error(
        "the journal {} lost its history: {}; {} claimed files went back to the inbox and new "
        "ids go on after the highest one used",
        printable(m_journal.path()), lost, strays);
  }
  return lost;
}

}  // namespace daemon_core

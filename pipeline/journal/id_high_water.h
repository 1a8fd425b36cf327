#pragma once
// The highest journal id ever given out, kept in a small file beside the journal (not in it),
// so a journal that lost rows (its WAL deleted after a crash, the file emptied or replaced) is
// noticed at the next open instead of silently giving out the same ids again.

#include <cstdint>
#include <string>

#include "media/unique_fd.h"

namespace pipeline {

class IdHighWater {
 public:
  // Reads the mark at `path` (0 when there is none). A mark that cannot be kept only weakens
  // the check.
  explicit IdHighWater(std::string path);

  std::int64_t value() const { return m_value; }
  // Records `id` when it is higher. Not fsynced: the mark must survive a killed process (the
  // page cache keeps it), and after a power cut the journal's own fsync covers what it lost.
  void raise(std::int64_t id);

 private:
  std::string m_path;
  media::UniqueFd m_fd;
  std::int64_t m_value = 0;
};

}  // namespace pipeline

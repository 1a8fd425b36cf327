#include "pipeline/journal/id_high_water.h"

#include <charconv>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace pipeline {

IdHighWater::IdHighWater(std::string path) : m_path(std::move(path)) {
  media::UniqueFd fd(::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return;
  char text[32] = {};
  const ssize_t size = ::pread(fd.get(), text, sizeof text - 1, 0);
  if (size > 0) std::from_chars(text, text + size, m_value);
}

void IdHighWater::raise(std::int64_t id) {
  if (id <= m_value) return;
  m_value = id;
  // Created at the first id given out, so commands that only read never make one.
  if (!m_fd) m_fd.reset(::open(m_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!m_fd) return;
  // Fixed width, so a shorter number never leaves digits of a longer one behind.
  char text[32];
  const int size = std::snprintf(text, sizeof text, "%020lld\n", static_cast<long long>(id));
  (void)::pwrite(m_fd.get(), text, static_cast<std::size_t>(size), 0);
}

}  // namespace pipeline

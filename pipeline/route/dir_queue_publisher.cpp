#include "pipeline/route/dir_queue_publisher.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/route/placement.h"

namespace pipeline {

Result<void> DirQueuePublisher::publish(const std::string& message_id, const std::string& payload) {
  for (const char* sub : {"/tmp", "/new", "/cur"}) {
    if (auto ok = make_directories(m_folder + sub); !ok)
      return fail(ErrorCode::queue, ok.error().detail);
  }
  const std::string name = message_id + ".json";
  struct stat info {};
  // Already published (and maybe already taken): publishing again would only duplicate it.
  if (::stat((m_folder + "/new/" + name).c_str(), &info) == 0 ||
      ::stat((m_folder + "/cur/" + name).c_str(), &info) == 0) {
    return {};
  }
  const std::string temp = m_folder + "/tmp/" + name;
  if (auto ok = write_file_atomic(temp, payload, /*replace=*/true); !ok) {
    return fail(ErrorCode::queue, ok.error().detail);
  }
  if (::rename(temp.c_str(), (m_folder + "/new/" + name).c_str()) != 0) {
    return fail(ErrorCode::queue, "cannot publish " + name + ": " + std::strerror(errno));
  }
  if (auto ok = fsync_directory(m_folder + "/new"); !ok)
    return fail(ErrorCode::queue, ok.error().detail);
  return {};
}

}  // namespace pipeline

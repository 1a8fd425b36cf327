#include "pipeline/work_area.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>

#include <sys/stat.h>
#include <sys/xattr.h>

#include "pipeline/route/directory_beneath.h"
#include "pipeline/route/placement.h"

namespace pipeline {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_source_attribute = "user.siftd.source";
constexpr const char* k_id_attribute = "user.siftd.id";
constexpr std::size_t k_work_name_size = 20;

std::string read_attribute(const std::string& path, const char* name) {
  std::string value(4096, '\0');
  const ssize_t size = ::getxattr(path.c_str(), name, value.data(), value.size());
  if (size < 0) return {};
  value.resize(static_cast<std::size_t>(size));
  return value;
}

// The inbox `source` lies in (not in a work area below it), or nothing.
const std::string* inbox_of(const std::string& source, const std::string& work_area,
                            const std::vector<std::string>& inboxes) {
  if (source.empty() || source.front() != '/' || is_beneath(source, work_area)) return nullptr;
  if (fs::path(source).lexically_normal().string() != source) return nullptr;  // no "..", no "//"
  for (const auto& inbox : inboxes) {
    if (source != inbox && is_beneath(source, inbox)) return &inbox;
  }
  return nullptr;
}

Adopted adopt(const std::string& work_path, const std::string& work_area,
              const std::vector<std::string>& inboxes) {
  Adopted adopted;
  adopted.work_path = work_path;
  const std::string id = read_attribute(work_path, k_id_attribute);
  std::from_chars(id.data(), id.data() + id.size(), adopted.id);
  const std::string source = read_attribute(work_path, k_source_attribute);
  const std::string work_name = fs::path(work_path).filename().string();
  std::string directory = inboxes.front();
  std::string name = "recovered-" + work_name;
  if (inbox_of(source, work_area, inboxes)) {
    const fs::path path(source);
    directory = path.parent_path().string();
    name = path.filename().string();
  }
  auto placed = place_file(work_path, directory, name, /*sha256=*/"");
  if (!placed) {
    adopted.error = placed.error().detail;
    return adopted;
  }
  adopted.returned_to = *placed;
  return adopted;
}

}  // namespace

void label_claimed(int fd, const FileRecord& record) {
  const std::string id = std::to_string(record.id);
  // Failures are not errors: see the header.
  (void)::fsetxattr(fd, k_source_attribute, record.source_path.data(), record.source_path.size(),
                    0);
  (void)::fsetxattr(fd, k_id_attribute, id.data(), id.size(), 0);
}

bool is_work_name(const std::string& name) {
  return name.size() == k_work_name_size && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<Adopted> adopt_unknown_files(const std::string& work_area,
                                         const std::set<std::string>& held,
                                         const std::vector<std::string>& inboxes) {
  std::vector<Adopted> adopted;
  std::vector<std::string> strays;
  std::error_code error;
  for (fs::directory_iterator it(work_area, error), end; !error && it != end; it.increment(error)) {
    const std::string path = it->path().string();
    const std::string name = it->path().filename().string();
    if (!is_work_name(name) || held.count(name)) continue;
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) strays.push_back(path);
  }
  adopted.reserve(adopted.size() + strays.size());
  for (const auto& path : strays) adopted.push_back(adopt(path, work_area, inboxes));
  return adopted;
}

}  // namespace pipeline

#pragma once
// What the fuzz targets share: the input as text, the input as a file for the entry points
// that read a path, and a check that aborts (a finding for libFuzzer, a failure for the
// replay test) when a property the code promises does not hold.

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void check(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

// A temporary file rewritten for each input, for the entry points that read a path (the
// worker's decode path, libmagic, libavformat, Poppler). Lives in $TMPDIR; removed at exit.
class InputFile {
 public:
  InputFile() {
    std::string name = std::filesystem::temp_directory_path() / "siftd-fuzz-XXXXXX";
    m_fd = ::mkstemp(name.data());
    check(m_fd >= 0, "mkstemp failed");
    m_path = std::move(name);
  }
  ~InputFile() {
    ::close(m_fd);
    ::unlink(m_path.c_str());
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    check(::ftruncate(m_fd, 0) == 0, "ftruncate failed");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t wrote = ::pwrite(m_fd, data + done, size - done, static_cast<off_t>(done));
      check(wrote > 0, "pwrite failed");
      done += static_cast<std::size_t>(wrote);
    }
    return m_path;
  }

 private:
  int m_fd = -1;
  std::string m_path;
};

}  // namespace fuzz

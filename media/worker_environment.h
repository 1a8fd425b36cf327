#pragma once
// The environment a decoder worker starts with: an allow-list of what the C libraries it runs
// read (locale, time zone, temp folder, fontconfig, libmagic, sanitizer options), so that the
// daemon's secrets (SIFTD_API_KEY*, CREDENTIALS_DIRECTORY, a proxy's password, cloud keys)
// never reach a process that parses hostile files. Private to media/.

#include <string>
#include <vector>

namespace media {

// The allowed "NAME=value" entries of `environment` (a null-terminated array, as environ),
// and OMP_THREAD_LIMIT=1, which holds libraw's and Tesseract's OpenMP to the worker's thread.
std::vector<std::string> worker_environment(const char* const* environment);

}  // namespace media

#include "media/worker_environment.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace media {
namespace {

// Names a decoder or its C libraries read; nothing here ever holds a credential.
constexpr std::array<std::string_view, 20> k_allowed = {
    "PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "HOME",
    // fontconfig (PDF pages rendered with fonts that are not embedded), libmagic's database
    "FONTCONFIG_FILE", "FONTCONFIG_PATH", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    "XDG_DATA_DIRS", "XDG_CONFIG_DIRS", "MAGIC",
    // sanitizer builds report from the worker too
    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH",
    // the tests' fault hooks (media/test_faults.h)
    "SIFTD_TEST_WORKER_FAULTS"};

bool is_allowed(std::string_view name) {
  if (name.starts_with("LC_")) return true;  // LC_ALL, LC_CTYPE, ...
  return std::find(k_allowed.begin(), k_allowed.end(), name) != k_allowed.end();
}

}  // namespace

std::vector<std::string> worker_environment(const char* const* environment) {
  std::vector<std::string> kept;
  for (const char* const* entry = environment; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    if (is_allowed(text.substr(0, equals))) kept.emplace_back(text);
  }
  // libraw and Tesseract parallelise with OpenMP, read from the environment when the library
  // loads. Workers already run one per core, and each OpenMP thread would reserve its stack
  // and a malloc arena inside the worker's RLIMIT_AS.
  kept.emplace_back("OMP_THREAD_LIMIT=1");
  return kept;
}

}  // namespace media

// The daemon's configuration from TOML text (toml++, then the table of keys and the checks
// across keys): any text ends as a Config or as an error that names the file, and a Config
// it accepts resolves its folders and route templates.

#include "daemon/config.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto config =
      daemon_core::parse_config_text(std::string(fuzz::as_text(data, size)), "fuzz.toml");
  if (!config) {
    fuzz::check(config.error().detail.rfind("fuzz.toml", 0) == 0, "an error names the file");
    return 0;
  }
  fuzz::check(!config->folders().empty(), "an accepted configuration watches a folder");
  fuzz::check(!config->journal_path().empty(), "an accepted configuration has a journal");
  for (const std::string& root : config->destination_roots()) {
    fuzz::check(!root.empty() && root != "/", "every route names a folder");
  }
  return 0;
}

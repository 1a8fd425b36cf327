#pragma once
// The immutable configuration of a siftd process, parsed from TOML through one table of
// keys (config_table.cpp) and then overridden by command-line flags. Passed by const&.

#include <map>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "media/limits.h"
#include "pipeline/policy.h"
#include "pipeline/taxonomy.h"

namespace daemon_core {

struct RouteTemplates {
  std::string route = "{out}/{category}";
  std::string escalate = "{out}/_escalate/{category}";
  std::string review = "{out}/_review/{category}";
  std::string failed = "{out}/_quarantine";
};

struct ModelConfig {
  std::string backend = "local";  // "local" or "openai"
  std::string base_url = "https://generativelanguage.googleapis.com/v1beta/openai";
  std::string name = "gemini-2.5-flash-lite";
  double temperature = 0;
  int max_output_tokens = 256;
  int timeout_ms = 30'000;
  int max_in_flight = 16;
  int max_retries = 4;
  std::string reasoning_effort;  // empty: not sent (thinking stays off)
  std::map<std::string, std::string> extra_headers;
};

struct Config {
  std::string source;  // the file it came from, or "" for defaults

  // [daemon]
  std::string inbox = "./inbox";
  std::string out = "./sorted";
  std::string work_dir;   // empty: <inbox>/.siftd
  std::string journal;    // empty: <work_dir>/journal.db
  std::string journal_sync = "full";
  int workers = 2;
  int settle_ms = 1000;
  int rescan_s = 300;
  int max_attempts = 2;
  int shutdown_timeout_s = 30;
  std::string log_level = "info";

  media::Limits limits;
  pipeline::Thresholds thresholds;
  RouteTemplates routes;
  ModelConfig model;
  pipeline::Taxonomy taxonomy = pipeline::default_taxonomy();

  // Derived at load: absolute paths with defaults filled in.
  std::string work_area() const;
  std::string journal_path() const;
  std::string expand(const std::string& path_template) const;
};

struct ConfigError {
  std::string message;  // "file:line: key: what is wrong"
};

template <typename T>
using ConfigResult = tl::expected<T, ConfigError>;

ConfigResult<Config> parse_config_file(const std::string& path);
ConfigResult<Config> parse_config_text(const std::string& text, const std::string& source);

// Checks what no single key can: paths that must not nest, thresholds in order.
ConfigResult<void> validate(const Config& config);

// Every key the table knows, as "section.key", with its documentation and default.
struct KeyDoc {
  std::string key;
  std::string type;
  std::string default_value;
  std::string doc;
};
std::vector<KeyDoc> documented_keys();

}  // namespace daemon_core

#pragma once
// Where the model API key comes from: the environment variable SIFTD_API_KEY, or the file named
// by SIFTD_API_KEY_FILE, or $CREDENTIALS_DIRECTORY/api-key under systemd. Never the
// configuration file, never a log line.

#include <functional>
#include <optional>
#include <string>

#include "pipeline/error.h"

namespace pipeline {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;

std::optional<std::string> process_environment(const std::string& name);

// The key, or an error naming where it looked (not what it found).
Result<std::string> load_api_key(const EnvironmentLookup& environment = process_environment);

}  // namespace pipeline

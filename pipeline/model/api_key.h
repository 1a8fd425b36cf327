#pragma once
// Where secrets come from: an environment variable, or the file another variable names, or a
// systemd credential ($CREDENTIALS_DIRECTORY/<name>). The model API key is SIFTD_API_KEY,
// SIFTD_API_KEY_FILE or the credential api-key. Never the configuration file, never a log line.

#include <functional>
#include <optional>
#include <string>

#include "pipeline/error.h"

namespace pipeline {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;

std::optional<std::string> process_environment(const std::string& name);

// The three places one secret is looked for, in this order, and what to call it in errors.
struct SecretSource {
  std::string variable;       // holds the secret itself
  std::string file_variable;  // names a file holding it
  std::string credential;     // a systemd credential's name
  std::string what;           // "API key", "webhook secret"
};

// The secret, or an error naming where it looked (not what it found).
Result<std::string> load_secret(const SecretSource& source,
                                const EnvironmentLookup& environment = process_environment);
// The model API key.
Result<std::string> load_api_key(const EnvironmentLookup& environment = process_environment);

}  // namespace pipeline

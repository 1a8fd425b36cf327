#include "pipeline/model/api_key.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pipeline {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Result<std::string> read_secret_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot read the " + what + " file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = trimmed(text.str());
  if (secret.empty()) return fail(ErrorCode::io, "the " + what + " file " + path + " is empty");
  return secret;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<std::string> load_secret(const SecretSource& source, const EnvironmentLookup& environment) {
  if (auto secret = environment(source.variable); secret && !trimmed(*secret).empty())
    return trimmed(*secret);
  if (auto file = environment(source.file_variable); file && !file->empty())
    return read_secret_file(*file, source.what);
  if (auto directory = environment("CREDENTIALS_DIRECTORY"); directory && !directory->empty()) {
    return read_secret_file(*directory + "/" + source.credential, source.what);
  }
  return fail(ErrorCode::client, "no " + source.what + ": set " + source.variable + ", " +
                                     source.file_variable + ", or a systemd credential named " +
                                     source.credential);
}

Result<std::string> load_api_key(const EnvironmentLookup& environment) {
  return load_secret({"SIFTD_API_KEY", "SIFTD_API_KEY_FILE", "api-key", "API key"}, environment);
}

}  // namespace pipeline

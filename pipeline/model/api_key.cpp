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

Result<std::string> read_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot read the API key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string key = trimmed(text.str());
  if (key.empty()) return fail(ErrorCode::io, "the API key file " + path + " is empty");
  return key;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<std::string> load_api_key(const EnvironmentLookup& environment) {
  if (auto key = environment("SIFTD_API_KEY"); key && !trimmed(*key).empty()) return trimmed(*key);
  if (auto file = environment("SIFTD_API_KEY_FILE"); file && !file->empty())
    return read_key_file(*file);
  if (auto directory = environment("CREDENTIALS_DIRECTORY"); directory && !directory->empty()) {
    return read_key_file(*directory + "/api-key");
  }
  return fail(
      ErrorCode::client,
      "no API key: set SIFTD_API_KEY, SIFTD_API_KEY_FILE, or a systemd credential named api-key");
}

}  // namespace pipeline

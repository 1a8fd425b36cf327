#include "daemon/temp_names.h"

#include <cctype>

#include <fnmatch.h>

namespace daemon_core {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_hex(std::string_view text) {
  for (const char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// aws s3 cp/sync writes "name.1a2B3c4D" (eight hex characters of a random suffix).
bool is_aws_temp(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const auto suffix = name.substr(dot + 1);
  return suffix.size() == 8 && is_hex(suffix);
}

}  // namespace

bool is_temporary_name(std::string_view name, const std::vector<std::string>& extra) {
  if (name.empty() || name.front() == '.') return true;  // dotfiles, rsync, Syncthing
  if (name.substr(0, 2) == "~$") return true;            // Office's lock file beside an open one
  // rclone's chunker keeps "name.rclone_chunk.001" parts until it joins them.
  if (name.find(".rclone_chunk.") != std::string_view::npos) return true;
  static constexpr std::string_view k_suffixes[] = {
      ".partial",  "_.gstmp", ".filepart", ".crdownload", ".part", ".tmp", "~",
      ".!sync",     // Resilio Sync
      ".download",  // Safari
  };
  for (const auto suffix : k_suffixes) {
    if (ends_with(name, suffix)) return true;
  }
  if (is_aws_temp(name)) return true;
  const std::string text(name);
  for (const auto& pattern : extra) {
    if (::fnmatch(pattern.c_str(), text.c_str(), FNM_PERIOD) == 0) return true;
  }
  return false;
}

}  // namespace daemon_core

#pragma once
// The one table that drives configuration: each key with its type, bounds and documentation.
// Defaults are the initializers of Config's members, so they are written down once.

#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config.h"

namespace daemon_core {

using IntRef = int& (*)(Config&);
using U64Ref = std::uint64_t& (*)(Config&);
using DoubleRef = double& (*)(Config&);
using BoolRef = bool& (*)(Config&);
using StringRef = std::string& (*)(Config&);

struct Option {
  std::string_view key;  // "section.name"
  std::variant<IntRef, U64Ref, DoubleRef, BoolRef, StringRef> ref;
  double min = 0;  // numbers only; min == max means unbounded
  double max = 0;
  std::vector<std::string_view> choices;  // strings only; empty means free text
  std::string_view doc;
};

const std::vector<Option>& config_table();

}  // namespace daemon_core

#pragma once
// The one table that drives configuration: each key with its type, bounds and documentation.
// Defaults are the initializers of Config's members, so they are written down once.

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config.h"
#include "daemon/config_checks.h"

namespace daemon_core {

using IntRef = int& (*)(Config&);
using U64Ref = std::uint64_t& (*)(Config&);
using DoubleRef = double& (*)(Config&);
using BoolRef = bool& (*)(Config&);
using StringRef = std::string& (*)(Config&);

// A key whose value is one of fixed words, held in Config as an enum (see choices.h).
struct ChoiceRef {
  std::vector<std::string> names;
  std::function<std::string_view(Config&)> get;
  std::function<bool(Config&, std::string_view)> set;  // false: not one of `names`
};

template <typename E>
ChoiceRef choice(E& (*field)(Config&)) {
  return ChoiceRef{choice_names<E>(), [field](Config& config) { return name_of(field(config)); },
                   [field](Config& config, std::string_view name) {
                     const auto value = parse_choice<E>(name);
                     if (value) field(config) = *value;
                     return value.has_value();
                   }};
}

struct Option {
  std::string_view key;  // "section.name"
  std::variant<IntRef, U64Ref, DoubleRef, BoolRef, StringRef, ChoiceRef> ref;
  double min = 0;  // numbers only; min == max means unbounded
  double max = 0;
  std::string_view doc;
  ValueCheck check = nullptr;  // strings only: what no type or choice list can say
};

const std::vector<Option>& config_table();

}  // namespace daemon_core

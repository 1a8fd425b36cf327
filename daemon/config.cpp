#include "daemon/config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "daemon/config_table.h"
#include "daemon/folder_overlaps.h"

namespace daemon_core {
namespace {

namespace fs = std::filesystem;

std::string where(const std::string& source, const toml::node& node) {
  const auto& begin = node.source().begin;
  return source + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
}

tl::unexpected<Error> error_at(const std::string& source, const toml::node& node,
                               const std::string& key, const std::string& what) {
  return fail(ErrorCode::config, where(source, node) + ": " + key + ": " + what);
}

// "must be one of \"a\", \"b\"".
std::string one_of(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "\"" : ", \"") + name + "\"";
  return "must be one of " + list;
}

template <typename T>
Result<void> check_bounds(const Option& option, T value, const std::string& source,
                          const toml::node& node) {
  if (option.min == option.max) return {};
  const auto number = static_cast<double>(value);
  if (number < option.min || number > option.max) {
    std::ostringstream bounds;
    bounds << "must be between " << option.min << " and " << option.max;
    return error_at(source, node, std::string(option.key), bounds.str());
  }
  return {};
}

struct Assign {
  Config& config;
  const Option& option;
  const toml::node& node;
  const std::string& source;

  Result<void> operator()(IntRef ref) const {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value) return wrong("an integer");
    if (auto ok = check_bounds(option, *value, source, node); !ok) return ok;
    ref(config) = static_cast<int>(*value);
    return {};
  }
  Result<void> operator()(U64Ref ref) const {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value) return wrong("an integer");
    if (auto ok = check_bounds(option, *value, source, node); !ok) return ok;
    ref(config) = static_cast<std::uint64_t>(*value);
    return {};
  }
  Result<void> operator()(DoubleRef ref) const {
    if (!node.is_number()) return wrong("a number");
    const double value = *node.value<double>();
    if (!std::isfinite(value)) return wrong("a finite number");
    if (auto ok = check_bounds(option, value, source, node); !ok) return ok;
    ref(config) = value;
    return {};
  }
  Result<void> operator()(BoolRef ref) const {
    if (!node.is_boolean()) return wrong("true or false");
    ref(config) = *node.value<bool>();
    return {};
  }
  Result<void> operator()(StringRef ref) const {
    if (!node.is_string()) return wrong("a string");
    std::string value = *node.value<std::string>();
    if (option.check) {
      if (auto problem = option.check(value))
        return error_at(source, node, std::string(option.key), *problem);
    }
    ref(config) = std::move(value);
    return {};
  }
  Result<void> operator()(const ChoiceRef& ref) const {
    if (!node.is_string()) return wrong("a string");
    if (!ref.set(config, *node.value<std::string>()))
      return error_at(source, node, std::string(option.key), one_of(ref.names));
    return {};
  }

  tl::unexpected<Error> wrong(const std::string& expected) const {
    return error_at(source, node, std::string(option.key), "must be " + expected);
  }
};

const Option* find_option(const std::string& key) {
  for (const auto& option : config_table()) {
    if (option.key == key) return &option;
  }
  return nullptr;
}

Result<std::vector<std::string>> string_list(const toml::node& node, const std::string& key,
                                             const std::string& source) {
  std::vector<std::string> out;
  const auto* array = node.as_array();
  if (!array) return error_at(source, node, key, "must be an array of strings");
  for (const auto& item : *array) {
    if (!item.is_string()) return error_at(source, item, key, "must be an array of strings");
    out.push_back(*item.value<std::string>());
  }
  return out;
}

Result<pipeline::Field> parse_field(const toml::table& table, const std::string& source) {
  pipeline::Field field;
  for (const auto& [name, node] : table) {
    const std::string key = "taxonomy.category.fields." + std::string(name.str());
    if (name == "name" && node.is_string()) {
      field.name = *node.value<std::string>();
    } else if (name == "description" && node.is_string()) {
      field.description = *node.value<std::string>();
    } else if (name == "type" && node.is_string()) {
      const auto type = parse_choice<pipeline::FieldType>(*node.value<std::string>());
      if (!type) return error_at(source, node, key, one_of(choice_names<pipeline::FieldType>()));
      field.type = *type;
    } else {
      return error_at(source, node, key, "unknown key or wrong type");
    }
  }
  if (field.name.empty())
    return error_at(source, table, "taxonomy.category.fields", "needs a name");
  return field;
}

Result<pipeline::Category> parse_category(const toml::table& table, const std::string& source) {
  pipeline::Category category;
  for (const auto& [name, node] : table) {
    const std::string key = "taxonomy.category." + std::string(name.str());
    if (name == "name" && node.is_string()) {
      category.name = *node.value<std::string>();
      if (!pipeline::is_valid_category_name(category.name)) {
        return error_at(
            source, node, key,
            "must be 1-64 of a-z 0-9 _ - and not start with _ or - (it names a folder)");
      }
    } else if (name == "description" && node.is_string()) {
      category.description = *node.value<std::string>();
    } else if (name == "examples") {
      auto examples = string_list(node, key, source);
      if (!examples) return tl::unexpected(examples.error());
      category.examples = std::move(*examples);
    } else if (name == "fields" && node.is_array_of_tables()) {
      for (const auto& item : *node.as_array()) {
        auto field = parse_field(*item.as_table(), source);
        if (!field) return tl::unexpected(field.error());
        category.fields.push_back(std::move(*field));
      }
    } else {
      return error_at(source, node, key, "unknown key or wrong type");
    }
  }
  if (category.name.empty()) return error_at(source, table, "taxonomy.category", "needs a name");
  return category;
}

Result<void> parse_taxonomy(Config& config, const toml::table& section, const std::string& source) {
  pipeline::Taxonomy taxonomy;
  for (const auto& [name, node] : section) {
    if (name != "category" || !node.is_array_of_tables()) {
      return error_at(source, node, "taxonomy." + std::string(name.str()),
                      "unknown key (use [[taxonomy.category]] tables)");
    }
    for (const auto& item : *node.as_array()) {
      auto category = parse_category(*item.as_table(), source);
      if (!category) return tl::unexpected(category.error());
      if (taxonomy.find(category->name)) {
        return error_at(source, item, "taxonomy.category.name",
                        "'" + category->name + "' is defined twice");
      }
      taxonomy.categories.push_back(std::move(*category));
    }
  }
  if (taxonomy.categories.empty())
    return error_at(source, section, "taxonomy", "needs at least one category");
  config.taxonomy = std::move(taxonomy);
  return {};
}

Result<WatchConfig> parse_watch(const toml::table& table, const std::string& source) {
  WatchConfig watch;
  for (const auto& [name, node] : table) {
    const std::string key = "watch." + std::string(name.str());
    if (name == "path" && node.is_string()) {
      watch.path = *node.value<std::string>();
    } else if (name == "settle_ms" && node.is_integer()) {
      const auto value = *node.value<std::int64_t>();
      if (value < 0 || value > 3'600'000)
        return error_at(source, node, key, "must be between 0 and 3600000");
      watch.settle_ms = static_cast<int>(value);
    } else if (name == "mode" && node.is_string()) {
      const auto mode = parse_choice<WatchMode>(*node.value<std::string>());
      if (!mode) return error_at(source, node, key, one_of(choice_names<WatchMode>()));
      watch.mode = *mode;
    } else if (name == "poll_interval_ms" && node.is_integer()) {
      const auto value = *node.value<std::int64_t>();
      if (value < 100 || value > 3'600'000)
        return error_at(source, node, key, "must be between 100 and 3600000");
      watch.poll_interval_ms = static_cast<int>(value);
    } else if (name == "ignore") {
      auto patterns = string_list(node, key, source);
      if (!patterns) return tl::unexpected(patterns.error());
      watch.ignore = std::move(*patterns);
    } else {
      return error_at(source, node, key, "unknown key or wrong type");
    }
  }
  if (watch.path.empty())
    return error_at(source, table, "watch.path", "every [[watch]] needs a path");
  return watch;
}

Result<void> parse_headers(Config& config, const toml::node& node, const std::string& source) {
  const auto* table = node.as_table();
  if (!table) return error_at(source, node, "model.extra_headers", "must be a table of strings");
  for (const auto& [name, value] : *table) {
    if (!value.is_string())
      return error_at(source, value, "model.extra_headers." + std::string(name.str()),
                      "must be a string");
    config.model.extra_headers[std::string(name.str())] = *value.value<std::string>();
  }
  return {};
}

// Absolute and normalized, without a trailing slash: every comparison and every watched path
// sees one spelling of a folder.
std::string absolute(const std::string& path) {
  if (path.empty()) return path;
  std::string normal = fs::absolute(fs::path(path)).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

// The fixed part of a template: everything before its first placeholder other than {out}, the
// one whose value is known now. Cut after expanding, a folder named "{x}" inside `out` would
// move the root up to its parent.
std::string fixed_part(const std::string& path_template) {
  const std::string out_token = "{out}";
  auto at = path_template.find('{');
  while (at != std::string::npos && path_template.compare(at, out_token.size(), out_token) == 0)
    at = path_template.find('{', at + out_token.size());
  return at == std::string::npos ? path_template : path_template.substr(0, at);
}

// The type and default of a plain key, as the documentation shows them.
template <typename T>
void describe_default(const T& value, KeyDoc& doc) {
  if constexpr (std::is_same_v<T, std::string>) {
    doc.type = "string";
    doc.default_value = "\"" + value + "\"";
  } else if constexpr (std::is_same_v<T, bool>) {
    doc.type = "bool";
    doc.default_value = value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, double>) {
    doc.type = "number";
    std::ostringstream text;
    text << value;
    doc.default_value = text.str();
  } else {
    doc.type = "integer";
    doc.default_value = std::to_string(value);
  }
}

// The per-key checks again, on the final values: command-line flags override the file's.
Result<void> check_values(const Config& config, const std::string& where) {
  Config values = config;  // the table's references are to a mutable Config
  for (const auto& option : config_table()) {
    const auto* ref = std::get_if<StringRef>(&option.ref);
    if (!option.check || !ref) continue;
    if (auto problem = option.check((*ref)(values))) {
      return fail(ErrorCode::config, where + ": " + std::string(option.key) + ": " + *problem);
    }
  }
  return {};
}

}  // namespace

std::vector<FolderSettings> Config::folders() const {
  std::vector<FolderSettings> resolved;
  auto add = [&](const std::string& path, const WatchConfig* settings) {
    FolderSettings folder;
    folder.path = absolute(path);
    folder.work_area = work_dir.empty() ? folder.path + "/.siftd" : absolute(work_dir);
    folder.settle_ms = settings && settings->settle_ms ? *settings->settle_ms : settle_ms;
    folder.mode = settings ? settings->mode : WatchMode::automatic;
    folder.poll_interval_ms = settings ? settings->poll_interval_ms : 2000;
    folder.rescan_s = rescan_s;
    folder.destinations = destination_roots();
    folder.ignore = ignore_patterns;
    if (settings)
      folder.ignore.insert(folder.ignore.end(), settings->ignore.begin(), settings->ignore.end());
    resolved.push_back(std::move(folder));
  };
  if (watch.empty()) add(inbox, nullptr);
  for (const auto& entry : watch) add(entry.path, &entry);
  return resolved;
}

std::string Config::work_area() const {
  return folders().front().work_area;
}

std::string Config::journal_path() const {
  return journal.empty() ? work_area() + "/journal.db" : absolute(journal);
}

std::string Config::expand(const std::string& path_template) const {
  std::string path = path_template;
  const std::string token = "{out}";
  const std::string root = absolute(out);
  // The search goes on after the inserted text: `out` itself may contain "{out}".
  for (auto at = path.find(token); at != std::string::npos;
       at = path.find(token, at + root.size())) {
    path.replace(at, token.size(), root);
  }
  return absolute(path);
}

std::vector<std::string> Config::destination_roots() const {
  std::vector<std::string> roots;
  for (const auto* value : {&routes.route, &routes.escalate, &routes.review, &routes.failed}) {
    const std::string fixed = fixed_part(*value);
    roots.push_back(fixed.empty() ? fixed : expand(fixed));
  }
  return roots;
}

Result<Config> parse_config_text(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return fail(ErrorCode::config, source + ":" + std::to_string(begin.line) + ":" +
                                       std::to_string(begin.column) + ": " +
                                       std::string(e.description()));
  }
  Config config;
  config.source = source;
  for (const auto& [section_name, section_node] : root) {
    const std::string section(section_name.str());
    if (section == "watch" && section_node.is_array_of_tables()) {
      for (const auto& item : *section_node.as_array()) {
        auto watch = parse_watch(*item.as_table(), source);
        if (!watch) return tl::unexpected(watch.error());
        config.watch.push_back(std::move(*watch));
      }
      continue;
    }
    const auto* section_table = section_node.as_table();
    if (!section_table) {
      return error_at(source, section_node, section, "unknown key (settings live in [sections])");
    }
    if (section == "taxonomy") {
      if (auto ok = parse_taxonomy(config, *section_table, source); !ok)
        return tl::unexpected(ok.error());
      continue;
    }
    for (const auto& [name, node] : *section_table) {
      const std::string key = section + "." + std::string(name.str());
      if (key == "daemon.ignore") {
        auto patterns = string_list(node, key, source);
        if (!patterns) return tl::unexpected(patterns.error());
        config.ignore_patterns = std::move(*patterns);
        continue;
      }
      if (key == "model.extra_headers") {
        if (auto ok = parse_headers(config, node, source); !ok) return tl::unexpected(ok.error());
        continue;
      }
      const Option* option = find_option(key);
      if (!option) return error_at(source, node, key, "unknown key");
      if (auto ok = std::visit(Assign{config, *option, node, source}, option->ref); !ok) {
        return tl::unexpected(ok.error());
      }
    }
  }
  // Checks across keys name the line of the key they blame.
  const KeyLocator locate = [&](const std::string& key) {
    const auto node = root.at_path(key);
    return node ? where(source, *node.node()) : source;
  };
  if (auto ok = validate(config, locate); !ok) return tl::unexpected(ok.error());
  return config;
}

Result<Config> parse_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::config, path + ": cannot read the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), path);
}

Result<void> validate(const Config& config, const KeyLocator& locate_key) {
  std::string where = config.source.empty() ? "configuration" : config.source;
  const KeyLocator locate =
      locate_key ? locate_key : KeyLocator([&where](const std::string&) { return where; });
  if (config.thresholds.review > config.thresholds.accept) {
    return fail(ErrorCode::config, where + ": decide.review must not be above decide.accept");
  }
  if (config.inbox.empty()) return fail(ErrorCode::config, where + ": daemon.inbox is empty");
  if (auto ok = check_values(config, where); !ok) return ok;
  return check_folder_overlaps(config, locate);
}

std::vector<KeyDoc> documented_keys() {
  std::vector<KeyDoc> keys;
  Config defaults;
  for (const auto& option : config_table()) {
    KeyDoc doc{std::string(option.key), "", "", std::string(option.doc)};
    std::visit(
        [&](const auto& ref) {
          using Ref = std::decay_t<decltype(ref)>;
          if constexpr (std::is_same_v<Ref, ChoiceRef>) {
            describe_default(std::string(ref.get(defaults)), doc);  // shown as its word
          } else {
            describe_default(ref(defaults), doc);
          }
        },
        option.ref);
    keys.push_back(std::move(doc));
  }
  return keys;
}

}  // namespace daemon_core

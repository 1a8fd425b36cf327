#include "tests/fakes/gemini_request_check.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace fakes {

using nlohmann::json;

// Walks a body as the API's JSON parser does, naming the first thing it would refuse.
struct GeminiChecker {
  const GeminiFieldLists& lists;

  std::string unknown(const std::string& name, const std::string& where) const {
    return "Invalid JSON payload received. Unknown name \"" + name + "\"" +
           (where.empty() ? std::string(": Cannot find field.")
                          : " at '" + where + "': Cannot find field.");
  }

  std::string message(const json& value, const std::string& type, const std::string& where) const {
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto error = message(value[i], type, where + "[" + std::to_string(i) + "]");
        if (!error.empty()) return error;
      }
      return {};
    }
    if (!value.is_object()) {
      return "Invalid JSON payload received. Expected an object at '" + where + "'.";
    }
    const auto fields = lists.m_messages.find(type);
    if (fields == lists.m_messages.end()) return "unknown message type " + type;
    for (const auto& [name, item] : value.items()) {
      const auto field = fields->second.find(name);
      if (field == fields->second.end()) return unknown(name, where);
      const std::string inner = where.empty() ? name : where + "." + name;
      const auto& spec = field->second;
      if (spec.type.empty()) continue;
      if (spec.is_enum) {
        const auto& values = lists.m_enums.at(spec.type);
        if (!item.is_string() || !values.count(item.get<std::string>())) {
          return "Invalid value at '" + inner + "' (type." + spec.type + "), " + item.dump();
        }
        continue;
      }
      if (spec.is_map) {
        if (!item.is_object())
          return "Invalid JSON payload received. Expected a map at '" + inner + "'.";
        for (const auto& [key, entry] : item.items()) {
          auto error = message(entry, spec.type, inner + "[" + key + "]");
          if (!error.empty()) return error;
        }
        continue;
      }
      auto error = message(item, spec.type, inner);
      if (!error.empty()) return error;
    }
    if (type == "GenerationConfig" && value.contains("responseSchema") &&
        value.contains("responseJsonSchema")) {
      return "responseSchema and responseJsonSchema cannot both be set.";
    }
    return {};
  }
};

std::optional<GeminiFieldLists> GeminiFieldLists::load(const std::string& path,
                                                       std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  GeminiFieldLists lists;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      error = path + ": no ':' in \"" + line + "\"";
      return std::nullopt;
    }
    std::istringstream words(line.substr(colon + 1));
    std::string head = line.substr(0, colon);
    if (head.rfind("enum ", 0) == 0) {
      auto& values = lists.m_enums[head.substr(5)];
      for (std::string word; words >> word;) values.insert(word);
      continue;
    }
    auto& fields = lists.m_messages[head];
    for (std::string word; words >> word;) {
      Field field;
      std::string name = word;
      if (const auto equals = word.find('='); equals != std::string::npos) {
        name = word.substr(0, equals);
        field.type = word.substr(equals + 1);
        field.is_enum = true;
      } else if (const auto type = word.find(':'); type != std::string::npos) {
        name = word.substr(0, type);
        field.type = word.substr(type + 1);
        if (name.size() > 2 && name.compare(name.size() - 2, 2, "{}") == 0) {
          name.resize(name.size() - 2);
          field.is_map = true;
        }
      }
      fields[name] = field;
    }
  }
  for (const auto& [message, fields] : lists.m_messages) {
    for (const auto& [name, field] : fields) {
      const bool known =
          field.type.empty() || (field.is_enum ? lists.m_enums.count(field.type) > 0
                                               : lists.m_messages.count(field.type) > 0);
      if (!known) {
        error = path + ": " + message + "." + name + " names an undefined type " + field.type;
        return std::nullopt;
      }
    }
  }
  return lists;
}

const GeminiFieldLists& GeminiFieldLists::reference() {
  static const GeminiFieldLists lists = [] {
    std::string error;
    auto loaded = load(SIFTD_GEMINI_FIELDS_FILE, error);
    if (!loaded) {
      std::fprintf(stderr, "gemini field lists: %s\n", error.c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return lists;
}

std::string GeminiFieldLists::check(std::string_view body, const std::string& message) const {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return "Invalid JSON payload received. Unexpected token.";
  return GeminiChecker{*this}.message(parsed, message, "");
}

bool GeminiFieldLists::has_field(const std::string& message, const std::string& field) const {
  const auto fields = m_messages.find(message);
  return fields != m_messages.end() && fields->second.count(field) > 0;
}

}  // namespace fakes

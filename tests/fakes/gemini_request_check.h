#pragma once
// Holds a request body against the field lists of the Gemini API reference
// (tests/fakes/gemini_api_fields.txt) the way the real API does: a field it does not define, an
// enum value it does not know, or both response schemas at once is a 400 with Google's
// "Invalid JSON payload received. Unknown name ..." message.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace fakes {

class GeminiFieldLists {
 public:
  // Reads the field list file; nullopt (and `error`) when it cannot be read or parsed.
  static std::optional<GeminiFieldLists> load(const std::string& path, std::string& error);
  // The list that ships with the sources.
  static const GeminiFieldLists& reference();

  // Empty when `body` is a valid `message` ("GenerateContentRequest", ...); else the message
  // the real API would answer with.
  std::string check(std::string_view body, const std::string& message) const;

  bool has_field(const std::string& message, const std::string& field) const;

  struct Field {
    std::string type;  // a message or enum name; empty for a scalar
    bool is_map = false;
    bool is_enum = false;
  };

 private:
  std::map<std::string, std::map<std::string, Field>> m_messages;
  std::map<std::string, std::set<std::string>> m_enums;

  friend struct GeminiChecker;
};

}  // namespace fakes

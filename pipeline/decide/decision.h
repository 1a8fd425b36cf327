#pragma once
// A decision about one file, and its validation. Every backend's answer goes through
// parse_decision(): a reply that breaks the schema or names a category outside the taxonomy
// is an error, never a route.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "pipeline/decide/taxonomy.h"
#include "pipeline/error.h"

namespace pipeline {

enum class Route { accept, use_stronger_model, human_review };

// A field the model extracted: absent (null), text, a number or a flag.
using FieldValue = std::variant<std::monostate, std::string, double, bool>;

struct Decision {
  std::string category;  // always a name from the taxonomy once validated
  double confidence = 0;
  Route route = Route::human_review;
  std::string summary;
  std::map<std::string, FieldValue> fields;
};

inline constexpr std::size_t k_max_summary_chars = 500;
// A model's text field is stored (sidecar, journal, decision log) at most this long by default.
inline constexpr std::size_t k_default_max_field_bytes = 4096;
// A model's raw reply is kept for the decision log at most this long.
inline constexpr std::size_t k_max_raw_reply_bytes = 65'536;

// Cuts every text field of `decision` to `max_bytes` (at a character boundary); how many were cut.
int cap_fields(Decision& decision, std::size_t max_bytes);

// Parses and validates a reply against the schema built from `taxonomy`.
Result<Decision> parse_decision(std::string_view json_text, const Taxonomy& taxonomy);

// Reads back a decision in the canonical form that to_json() wrote (the journal's column): it
// was validated when it was made, so the taxonomy of the day is not asked again.
Result<Decision> parse_stored_decision(std::string_view json_text);

// The canonical JSON form (the same shape the model is asked for).
std::string to_json(const Decision& decision);

std::string_view to_string(Route route);
std::optional<Route> parse_route(std::string_view text);

}  // namespace pipeline

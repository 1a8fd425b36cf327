#include "pipeline/decide/decision_schema.h"

#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

// Ordered, so that the schema's bytes (and the provider's prefix cache) do not depend on a
// map's sorting, and properties reach the model in the order they are best answered.
using nlohmann::ordered_json;

std::string type_name(FieldType type) {
  switch (type) {
    case FieldType::string: return "string";
    case FieldType::number: return "number";
    case FieldType::boolean: return "boolean";
  }
  return "string";
}

// No field is required: a reply names only the fields of its category that the file shows,
// instead of a null for every field of every category (output tokens are the dearest).
ordered_json fields_schema(const Taxonomy& taxonomy) {
  ordered_json properties = ordered_json::object();
  for (const auto& field : taxonomy.all_fields()) {
    properties[field.name] = ordered_json{
        {"type", type_name(field.type)}, {"nullable", true}, {"description", field.description}};
  }
  return ordered_json{{"type", "object"},
                      {"description", "only the chosen category's fields that the file shows"},
                      {"properties", properties}};
}

}  // namespace

std::string decision_schema_json(const Taxonomy& taxonomy) {
  ordered_json categories = ordered_json::array();
  for (const auto& category : taxonomy.categories) categories.push_back(category.name);

  ordered_json properties = ordered_json::object();
  properties["category"] = {{"type", "string"},
                            {"enum", categories},
                            {"description", "the one category that fits the file best"}};
  properties["confidence"] = {{"type", "number"},
                              {"minimum", 0},
                              {"maximum", 1},
                              {"description", "how sure the category is, 0 to 1"}};
  properties["route"] = {
      {"type", "string"},
      {"enum", {"accept", "use_stronger_model", "human_review"}},
      {"description",
       "accept when sure; use_stronger_model when unsure; human_review when no model can tell"}};
  properties["summary"] = {{"type", "string"},
                           {"description", "one short sentence on what the file shows"}};
  ordered_json required = {"category", "confidence", "route", "summary"};
  // Gemini refuses an object schema without properties, so fields appear only when some exist.
  if (!taxonomy.all_fields().empty()) {
    properties["fields"] = fields_schema(taxonomy);
    required.push_back("fields");
  }
  return ordered_json{{"type", "object"}, {"properties", properties}, {"required", required}}.dump(
      -1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace pipeline

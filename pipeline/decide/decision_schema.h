#pragma once
// The JSON schema a model's reply must follow, generated from the configured taxonomy. It uses
// only the keywords Gemini's structured output accepts (type, enum, properties, required, items,
// minimum, maximum, description, anyOf, nullable), so one schema works on every endpoint.

#include <string>

#include "pipeline/decide/taxonomy.h"

namespace pipeline {

// The schema as compact JSON text; the same taxonomy always yields the same bytes.
std::string decision_schema_json(const Taxonomy& taxonomy);

}  // namespace pipeline

#pragma once
// The configured taxonomy: the only categories a decision may name, with the extraction
// fields each category asks for.

#include <string>
#include <vector>

namespace pipeline {

enum class FieldType { string, number, boolean };

struct Field {
  std::string name;
  FieldType type = FieldType::string;
  std::string description;
};

struct Category {
  std::string name;  // also the folder name a folder sink may use: validated at load
  std::string description;
  std::vector<std::string> examples;
  std::vector<Field> fields;
};

struct Taxonomy {
  std::vector<Category> categories;

  const Category* find(const std::string& name) const;
  // The union of all categories' fields, first definition wins.
  std::vector<Field> all_fields() const;
};

// A category name must be usable as one path component: lower-case letters, digits, '_' and
// '-', 1..64 characters, not starting with '_' (reserved for siftd's own folders).
bool is_valid_category_name(const std::string& name);

Taxonomy default_taxonomy();

}  // namespace pipeline

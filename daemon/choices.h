#pragma once
// The words a configuration key or a flag accepts for an enum, written once per enum as a
// Choices<E> specialisation: parsing, printing and the documentation all read that list.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemon_core {

template <typename E>
struct Choice {
  E value;
  std::string_view name;
};

// Specialised beside each enum: `static constexpr Choice<E> all[] = {...};`
template <typename E>
struct Choices;

template <typename E>
std::string_view name_of(E value) {
  for (const auto& choice : Choices<E>::all) {
    if (choice.value == value) return choice.name;
  }
  return "?";  // unreachable while every value is listed
}

template <typename E>
std::optional<E> parse_choice(std::string_view name) {
  for (const auto& choice : Choices<E>::all) {
    if (choice.name == name) return choice.value;
  }
  return std::nullopt;
}

template <typename E>
std::vector<std::string> choice_names() {
  std::vector<std::string> names;
  for (const auto& choice : Choices<E>::all) names.emplace_back(choice.name);
  return names;
}

}  // namespace daemon_core

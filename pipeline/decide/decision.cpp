#include "pipeline/decide/decision.h"

#include "pipeline/decide/decision_json.h"
#include "pipeline/display_text.h"

namespace pipeline {
namespace {

using nlohmann::json;

// Untrusted text quoted in an error: a little of it, made printable (errors reach logs).
std::string quote_untrusted(std::string_view text) {
  return "'" + printable(text, 64) + "'";
}

Result<FieldValue> parse_field(const json& value, const Field& field) {
  if (value.is_null()) return FieldValue{};
  switch (field.type) {
    case FieldType::string:
      if (value.is_string()) return FieldValue{value.get<std::string>()};
      break;
    case FieldType::number:
      if (value.is_number()) return FieldValue{value.get<double>()};
      break;
    case FieldType::boolean:
      if (value.is_boolean()) return FieldValue{value.get<bool>()};
      break;
  }
  return fail(ErrorCode::invalid_reply,
              "field " + quote_untrusted(field.name) + " has the wrong type");
}

Result<std::map<std::string, FieldValue>> parse_fields(const json& reply,
                                                       const Taxonomy& taxonomy) {
  std::map<std::string, FieldValue> fields;
  const auto all = taxonomy.all_fields();
  if (!reply.contains("fields")) {
    if (all.empty()) return fields;
    return fail(ErrorCode::invalid_reply, "'fields' is missing");
  }
  const json& given = reply.at("fields");
  if (given.is_null() && all.empty()) return fields;
  if (!given.is_object()) return fail(ErrorCode::invalid_reply, "'fields' is not an object");
  for (const auto& [name, value] : given.items()) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.name == name; });
    if (it == all.end())
      return fail(ErrorCode::invalid_reply, "unknown field " + quote_untrusted(name));
    auto parsed = parse_field(value, *it);
    if (!parsed) return tl::unexpected(parsed.error());
    fields.emplace(name, std::move(*parsed));
  }
  return fields;
}

// A stored decision's fields, typed by their JSON values.
std::map<std::string, FieldValue> stored_fields(const json& reply) {
  std::map<std::string, FieldValue> fields;
  const auto given = reply.find("fields");
  if (given == reply.end() || !given->is_object()) return fields;
  for (const auto& [name, value] : given->items()) {
    if (value.is_string()) {
      fields.emplace(name, value.get<std::string>());
    } else if (value.is_boolean()) {
      fields.emplace(name, value.get<bool>());
    } else if (value.is_number()) {
      fields.emplace(name, value.get<double>());
    } else {
      fields.emplace(name, FieldValue{});
    }
  }
  return fields;
}

// The checks every decision passes; `taxonomy` null means it was validated when it was made.
Result<Decision> parse_checked(std::string_view json_text, const Taxonomy* taxonomy) {
  const json reply = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded()) return fail(ErrorCode::invalid_reply, "the reply is not JSON");
  if (!reply.is_object()) return fail(ErrorCode::invalid_reply, "the reply is not a JSON object");

  Decision decision;
  const auto category = reply.find("category");
  if (category == reply.end() || !category->is_string()) {
    return fail(ErrorCode::invalid_reply, "'category' is missing or not a string");
  }
  decision.category = category->get<std::string>();
  if (taxonomy && !taxonomy->find(decision.category)) {
    return fail(ErrorCode::invalid_reply,
                "category " + quote_untrusted(decision.category) + " is not in the taxonomy");
  }

  const auto confidence = reply.find("confidence");
  if (confidence == reply.end() || !confidence->is_number()) {
    return fail(ErrorCode::invalid_reply, "'confidence' is missing or not a number");
  }
  decision.confidence = confidence->get<double>();
  if (!(decision.confidence >= 0.0 && decision.confidence <= 1.0)) {
    return fail(ErrorCode::invalid_reply, "'confidence' is outside 0..1");
  }

  const auto route = reply.find("route");
  if (route == reply.end() || !route->is_string()) {
    return fail(ErrorCode::invalid_reply, "'route' is missing or not a string");
  }
  const auto parsed_route = parse_route(route->get<std::string>());
  if (!parsed_route) return fail(ErrorCode::invalid_reply, "'route' is not one of the routes");
  decision.route = *parsed_route;

  const auto summary = reply.find("summary");
  if (summary == reply.end() || !summary->is_string()) {
    return fail(ErrorCode::invalid_reply, "'summary' is missing or not a string");
  }
  decision.summary = capped_utf8(summary->get<std::string>(), k_max_summary_chars);

  if (!taxonomy) {
    decision.fields = stored_fields(reply);
    return decision;
  }
  auto fields = parse_fields(reply, *taxonomy);
  if (!fields) return tl::unexpected(fields.error());
  decision.fields = std::move(*fields);
  return decision;
}

}  // namespace

int cap_fields(Decision& decision, std::size_t max_bytes) {
  int cut = 0;
  for (auto& [name, value] : decision.fields) {
    auto* text = std::get_if<std::string>(&value);
    if (!text || text->size() <= max_bytes) continue;
    *text = capped_utf8(*text, max_bytes);
    ++cut;
  }
  return cut;
}

std::string_view to_string(Route route) {
  switch (route) {
    case Route::accept: return "accept";
    case Route::use_stronger_model: return "use_stronger_model";
    case Route::human_review: return "human_review";
  }
  return "human_review";
}

std::optional<Route> parse_route(std::string_view text) {
  if (text == "accept") return Route::accept;
  if (text == "use_stronger_model") return Route::use_stronger_model;
  if (text == "human_review") return Route::human_review;
  return std::nullopt;
}

Result<Decision> parse_decision(std::string_view json_text, const Taxonomy& taxonomy) {
  return parse_checked(json_text, &taxonomy);
}

Result<Decision> parse_stored_decision(std::string_view json_text) {
  return parse_checked(json_text, nullptr);
}

json decision_to_json(const Decision& decision) {
  json fields = json::object();
  for (const auto& [name, value] : decision.fields) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            fields[name] = nullptr;
          } else {
            fields[name] = v;
          }
        },
        value);
  }
  return json{{"category", decision.category},
              {"confidence", decision.confidence},
              {"route", std::string(to_string(decision.route))},
              {"summary", decision.summary},
              {"fields", fields}};
}

std::string to_json(const Decision& decision) {
  return decision_to_json(decision).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace pipeline

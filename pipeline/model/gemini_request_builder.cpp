#include "pipeline/model/gemini_request_builder.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

using nlohmann::ordered_json;

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The decision schema (JSON Schema keywords Gemini shares) in the Schema message's terms.
ordered_json to_gemini_schema(const ordered_json& schema) {
  ordered_json out = ordered_json::object();
  for (const auto& [key, value] : schema.items()) {
    if (key == "type" && value.is_string()) {
      out[key] = upper(value.get<std::string>());
    } else if (key == "properties" && value.is_object()) {
      ordered_json properties = ordered_json::object();
      ordered_json order = ordered_json::array();
      for (const auto& [name, property] : value.items()) {
        properties[name] = to_gemini_schema(property);
        order.push_back(name);
      }
      out[key] = std::move(properties);
      out["propertyOrdering"] = std::move(order);
    } else if (key == "items") {
      out[key] = to_gemini_schema(value);
    } else if (key == "anyOf" && value.is_array()) {
      ordered_json options = ordered_json::array();
      for (const auto& option : value) options.push_back(to_gemini_schema(option));
      out[key] = std::move(options);
    } else {
      out[key] = value;
    }
  }
  return out;
}

std::string_view resolution_name(MediaResolution resolution) {
  switch (resolution) {
    case MediaResolution::low: return "MEDIA_RESOLUTION_LOW";
    case MediaResolution::medium: return "MEDIA_RESOLUTION_MEDIUM";
    case MediaResolution::high: return "MEDIA_RESOLUTION_HIGH";
  }
  return "MEDIA_RESOLUTION_LOW";
}

// The MIME type Gemini names a part's format by; empty when it does not take the format.
std::string gemini_mime(const media::Part& part) {
  const std::string& mime = part.mime;
  if (part.type == media::PartType::image) {
    for (const char* taken : {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"})
      if (mime == taken) return mime;
    return {};
  }
  if (mime == "audio/wav" || mime == "audio/x-wav") return "audio/wav";
  if (mime == "audio/mpeg" || mime == "audio/mp3") return "audio/mp3";
  for (const char* taken : {"audio/aiff", "audio/aac", "audio/ogg", "audio/flac"})
    if (mime == taken) return mime;
  return {};
}

Result<ordered_json> part_json(const media::Part& part) {
  if (part.type == media::PartType::text) return ordered_json{{"text", Prompt::part_text(part)}};
  const std::string mime = gemini_mime(part);
  if (mime.empty()) {
    return fail(ErrorCode::internal,
                media::to_string(part.type) + " part in " + part.mime + " cannot be sent");
  }
  return ordered_json{{"inlineData", {{"mimeType", mime}, {"data", base64(part.data)}}}};
}

ordered_json text_turn(const char* role, const std::string& text) {
  return ordered_json{{"role", role}, {"parts", ordered_json::array({{{"text", text}}})}};
}

}  // namespace

int thinking_budget(const std::string& reasoning_effort) {
  // Google's documented mapping of the OpenAI efforts onto budgets.
  if (reasoning_effort == "minimal" || reasoning_effort == "low") return 1024;
  if (reasoning_effort == "medium") return 8192;
  if (reasoning_effort == "high") return 24576;
  return 0;
}

GeminiRequestBuilder::GeminiRequestBuilder(const Prompt& prompt, MediaResolution resolution)
    : m_resolution(resolution),
      m_system_instruction(
          ordered_json{{"parts", ordered_json::array({{{"text", prompt.system_text()}}})}}.dump(
              -1, ' ', false, ordered_json::error_handler_t::replace)),
      m_response_schema(to_gemini_schema(ordered_json::parse(prompt.schema_json())).dump()) {}

Result<std::string> GeminiRequestBuilder::build(const media::Normalized& input,
                                                const RequestOptions& options,
                                                const std::optional<Repair>& repair) const {
  ordered_json parts = ordered_json::array();
  parts.push_back({{"text", Prompt::file_header(input)}});
  for (const auto& part : input.parts) {
    auto item = part_json(part);
    if (!item) return tl::unexpected(item.error());
    parts.push_back(std::move(*item));
  }
  if (auto ocr = Prompt::ocr_part(input, options); !ocr.empty())
    parts.push_back({{"text", std::move(ocr)}});
  ordered_json contents = ordered_json::array();
  contents.push_back({{"role", "user"}, {"parts", std::move(parts)}});
  if (repair) {
    contents.push_back(text_turn("model", Prompt::repair_echo(*repair)));
    contents.push_back(text_turn("user", Prompt::repair_request(*repair)));
  }

  ordered_json config;
  config["responseMimeType"] = "application/json";
  config["responseSchema"] = ordered_json::parse(m_response_schema);
  config["temperature"] = options.temperature;
  config["maxOutputTokens"] = options.max_output_tokens;
  config["thinkingConfig"] = {{"thinkingBudget", thinking_budget(options.reasoning_effort)}};
  config["mediaResolution"] = resolution_name(m_resolution);

  ordered_json body;
  body["systemInstruction"] = ordered_json::parse(m_system_instruction);
  body["contents"] = std::move(contents);
  body["generationConfig"] = std::move(config);
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace pipeline

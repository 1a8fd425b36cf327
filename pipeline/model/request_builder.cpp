#include "pipeline/model/request_builder.h"

#include <nlohmann/json.hpp>

namespace pipeline {
namespace {

using nlohmann::ordered_json;

Result<ordered_json> part_json(const media::Part& part) {
  switch (part.type) {
    case media::PartType::text:
      return ordered_json{{"type", "text"}, {"text", Prompt::part_text(part)}};
    case media::PartType::image:
      return ordered_json{
          {"type", "image_url"},
          {"image_url", {{"url", "data:" + part.mime + ";base64," + base64(part.data)}}}};
    case media::PartType::audio: {
      // The API carries only wav and mp3 audio.
      std::string format;
      if (part.mime == "audio/wav" || part.mime == "audio/x-wav") format = "wav";
      if (part.mime == "audio/mpeg" || part.mime == "audio/mp3") format = "mp3";
      if (format.empty())
        return fail(ErrorCode::internal, "audio part in " + part.mime + " cannot be sent");
      return ordered_json{{"type", "input_audio"},
                          {"input_audio", {{"data", base64(part.data)}, {"format", format}}}};
    }
  }
  return fail(ErrorCode::internal, "unknown part type");
}

}  // namespace

Result<std::string> RequestBuilder::build(const media::Normalized& input,
                                          const RequestOptions& options,
                                          const std::optional<Repair>& repair) const {
  ordered_json content = ordered_json::array();
  content.push_back({{"type", "text"}, {"text", Prompt::file_header(input)}});
  for (const auto& part : input.parts) {
    auto item = part_json(part);
    if (!item) return tl::unexpected(item.error());
    content.push_back(std::move(*item));
  }
  if (auto ocr = Prompt::ocr_part(input, options); !ocr.empty())
    content.push_back({{"type", "text"}, {"text", std::move(ocr)}});

  ordered_json messages = ordered_json::array();
  messages.push_back({{"role", "system"}, {"content", m_prompt.system_text()}});
  messages.push_back({{"role", "user"}, {"content", content}});
  if (repair) {
    messages.push_back({{"role", "assistant"}, {"content", Prompt::repair_echo(*repair)}});
    messages.push_back({{"role", "user"}, {"content", Prompt::repair_request(*repair)}});
  }

  ordered_json body;
  body["model"] = options.model;
  body["messages"] = std::move(messages);
  body["temperature"] = options.temperature;
  body["max_tokens"] = options.max_output_tokens;
  body["response_format"] = {{"type", "json_schema"},
                             {"json_schema",
                              {{"name", "triage_decision"},
                               {"strict", true},
                               {"schema", ordered_json::parse(m_prompt.schema_json())}}}};
  if (!options.reasoning_effort.empty()) body["reasoning_effort"] = options.reasoning_effort;
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace pipeline

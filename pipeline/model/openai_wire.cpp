#include "pipeline/model/openai_wire.h"

#include <nlohmann/json.hpp>

#include "pipeline/model/reply_tokens.h"

namespace pipeline {

using nlohmann::json;

std::string OpenAiWire::url(std::string_view base_url, std::string_view) const {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/chat/completions";
}

std::vector<std::string> OpenAiWire::key_headers(const std::string& api_key) const {
  if (api_key.empty()) return {};
  return {"Authorization: Bearer " + api_key};
}

WireReply OpenAiWire::read(const std::string& body) const {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  WireReply reply;
  if (!parsed.is_object()) {
    reply.content = body;
    reply.error = "the response is not JSON";
    return reply;
  }
  if (const auto usage = parsed.find("usage"); usage != parsed.end() && usage->is_object()) {
    Usage spent;
    spent.prompt_tokens = token_count(*usage, "prompt_tokens");
    spent.completion_tokens = token_count(*usage, "completion_tokens");
    if (const auto details = usage->find("prompt_tokens_details");
        details != usage->end() && details->is_object()) {
      spent.cached_tokens = token_count(*details, "cached_tokens");
    }
    reply.usage = spent;
  }
  if (const auto id = parsed.find("id"); id != parsed.end() && id->is_string())
    reply.id = id->get<std::string>();
  const auto choices = parsed.find("choices");
  if (choices != parsed.end() && choices->is_array() && !choices->empty() &&
      choices->front().is_object()) {
    const auto message = choices->front().find("message");
    if (message != choices->front().end() && message->is_object()) {
      const auto text = message->find("content");
      if (text != message->end() && text->is_string()) {
        reply.content = text->get<std::string>();
        return reply;
      }
    }
  }
  reply.content = body;
  reply.error = "the response has no choices[0].message.content";
  return reply;
}

}  // namespace pipeline

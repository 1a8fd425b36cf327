#include "pipeline/model/gemini_wire.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "pipeline/display_text.h"
#include "pipeline/model/reply_tokens.h"

namespace pipeline {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Finish reasons that mean the provider refused the content: asking again cannot help, and
// the file needs a person, not a corrupt-file quarantine.
bool is_refusal(const std::string& reason) {
  for (const char* refusal : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
                              "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "LANGUAGE"}) {
    if (reason == refusal) return true;
  }
  return false;
}

void read_usage(const json& metadata, WireReply& reply) {
  Usage spent;
  spent.prompt_tokens = token_count(metadata, "promptTokenCount");
  // Thinking is billed as output.
  spent.completion_tokens = static_cast<int>(
      std::min<long long>(static_cast<long long>(token_count(metadata, "candidatesTokenCount")) +
                              token_count(metadata, "thoughtsTokenCount"),
                          100'000'000));
  spent.cached_tokens =
      std::min(token_count(metadata, "cachedContentTokenCount"), spent.prompt_tokens);
  reply.usage = spent;
  const auto details = metadata.find("promptTokensDetails");
  if (details == metadata.end() || !details->is_array() || spent.prompt_tokens <= 0) return;
  double audio = 0;
  double image = 0;
  for (const auto& detail : *details) {
    if (!detail.is_object()) continue;
    const std::string modality = string_at(detail, "modality");
    const int tokens = token_count(detail, "tokenCount");
    if (modality == "AUDIO") audio += tokens;
    // Video frames and document pages are billed at the image rate.
    if (modality == "IMAGE" || modality == "VIDEO" || modality == "DOCUMENT") image += tokens;
  }
  // Shares of what the reply says was billed; a hostile split cannot exceed the whole.
  const double total = std::max<double>(spent.prompt_tokens, audio + image);
  reply.audio_share = audio / total;
  reply.image_share = image / total;
}

}  // namespace

std::string GeminiWire::url(std::string_view base_url, std::string_view model) const {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string name(model);
  if (name.rfind("models/", 0) == 0) name.erase(0, 7);
  return base + "/v1beta/models/" + name + ":generateContent";
}

std::vector<std::string> GeminiWire::key_headers(const std::string& api_key) const {
  if (api_key.empty()) return {};
  return {"x-goog-api-key: " + api_key};
}

WireReply GeminiWire::read(const std::string& body) const {
  return read_gemini_response(body);
}

WireReply read_gemini_response(const std::string& body) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  WireReply reply;
  reply.content = body;
  if (!parsed.is_object()) {
    reply.error = "the response is not JSON";
    return reply;
  }
  if (const auto usage = parsed.find("usageMetadata"); usage != parsed.end() && usage->is_object())
    read_usage(*usage, reply);
  reply.id = string_at(parsed, "responseId");

  const auto candidates = parsed.find("candidates");
  const bool has_candidate = candidates != parsed.end() && candidates->is_array() &&
                             !candidates->empty() && candidates->front().is_object();
  if (!has_candidate) {
    const auto feedback = parsed.find("promptFeedback");
    const std::string reason = feedback != parsed.end() && feedback->is_object()
                                   ? string_at(*feedback, "blockReason")
                                   : std::string();
    if (!reason.empty()) {
      reply.code = ErrorCode::blocked;
      reply.repairable = false;
      reply.error = "the provider blocked the prompt (blockReason " + printable(reason, 64) + ")";
      return reply;
    }
    reply.error = "the response has no candidates";
    return reply;
  }
  const json& candidate = candidates->front();
  const std::string finish = string_at(candidate, "finishReason");
  if (!finish.empty() && finish != "STOP") {
    reply.repairable = false;
    if (is_refusal(finish)) {
      reply.code = ErrorCode::blocked;
      reply.error = "the provider stopped the answer (finishReason " + finish + ")";
    } else {
      reply.error = "the answer did not finish (finishReason " + printable(finish, 64) + ")";
    }
    return reply;
  }
  std::string text;
  bool has_text = false;
  if (const auto content = candidate.find("content");
      content != candidate.end() && content->is_object()) {
    if (const auto parts = content->find("parts"); parts != content->end() && parts->is_array()) {
      for (const auto& part : *parts) {
        if (!part.is_object()) continue;
        // A thought summary is not the answer.
        const auto thought = part.find("thought");
        if (thought != part.end() && thought->is_boolean() && thought->get<bool>()) continue;
        if (const auto piece = part.find("text"); piece != part.end() && piece->is_string()) {
          text += piece->get<std::string>();
          has_text = true;
        }
      }
    }
  }
  if (!has_text) {
    reply.error = "the response has no candidates[0].content.parts[].text";
    return reply;
  }
  reply.content = std::move(text);
  return reply;
}

}  // namespace pipeline

#include "tests/fakes/fake_gemini_replies.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace fakes {
namespace {

using nlohmann::json;

// Base64 length to bytes, without decoding all of it.
std::size_t decoded_size(const std::string& base64) {
  std::size_t padding = 0;
  if (!base64.empty() && base64.back() == '=') ++padding;
  if (base64.size() > 1 && base64[base64.size() - 2] == '=') ++padding;
  return base64.size() / 4 * 3 - padding;
}

std::uint32_t little_endian(const std::string& bytes, std::size_t at) {
  if (bytes.size() < at + 4) return 0;
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

std::string decode_prefix(const std::string& base64, std::size_t bytes) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : base64) {
    const auto index = alphabet.find(c);
    if (index == std::string::npos) break;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
      if (out.size() >= bytes) break;
    }
  }
  return out;
}

// Seconds of audio in a blob: a WAV header says; other formats are taken at 16 kbit/s.
double audio_seconds(const std::string& mime, const std::string& base64) {
  const std::size_t bytes = decoded_size(base64);
  if (mime == "audio/wav" || mime == "audio/x-wav") {
    const std::string header = decode_prefix(base64, 44);
    const std::uint32_t byte_rate = little_endian(header, 28);
    if (header.rfind("RIFF", 0) == 0 && byte_rate > 0)
      return static_cast<double>(bytes > 44 ? bytes - 44 : 0) / byte_rate;
  }
  return static_cast<double>(bytes) / 2000.0;
}

int image_tokens(const json& request) {
  const auto config = request.find("generationConfig");
  if (config == request.end() || !config->is_object()) return 258;
  const std::string resolution = config->value("mediaResolution", "");
  if (resolution == "MEDIA_RESOLUTION_LOW") return 64;
  if (resolution == "MEDIA_RESOLUTION_MEDIUM" || resolution == "MEDIA_RESOLUTION_HIGH") return 256;
  return 258;
}

void count_parts(const json& content, int per_image, GeminiPromptCount& count) {
  if (!content.is_object() || !content.contains("parts") || !content["parts"].is_array()) return;
  for (const auto& part : content["parts"]) {
    if (!part.is_object()) continue;
    if (part.contains("text") && part["text"].is_string())
      count.text += static_cast<int>((part["text"].get<std::string>().size() + 3) / 4);
    if (!part.contains("inlineData") || !part["inlineData"].is_object()) continue;
    const std::string mime = part["inlineData"].value("mimeType", "");
    const std::string data = part["inlineData"].value("data", "");
    if (mime.rfind("image/", 0) == 0) count.image += per_image;
    if (mime.rfind("audio/", 0) == 0)
      count.audio += static_cast<int>(audio_seconds(mime, data) * 32.0 + 0.5);
    // A PDF page bills as an image; the fake counts one page.
    if (mime == "application/pdf") count.image += per_image;
  }
}

json modality_details(const GeminiPromptCount& count) {
  json details = json::array({json{{"modality", "TEXT"}, {"tokenCount", count.text}}});
  if (count.image) details.push_back({{"modality", "IMAGE"}, {"tokenCount", count.image}});
  if (count.audio) details.push_back({{"modality", "AUDIO"}, {"tokenCount", count.audio}});
  return details;
}

json usage_of(const GeminiPromptCount& count, const FakeServerOptions& options, int output) {
  const int prompt = count.text + count.image + count.audio;
  json usage{{"promptTokenCount", prompt},
             {"candidatesTokenCount", output},
             {"totalTokenCount", prompt + output},
             {"promptTokensDetails", modality_details(count)}};
  // Implicit caching covers part of the stable text prefix, as options.cached_tokens says.
  const int cached = std::min(options.cached_tokens, count.text);
  if (cached > 0) {
    usage["cachedContentTokenCount"] = cached;
    usage["cacheTokensDetails"] = json::array({json{{"modality", "TEXT"}, {"tokenCount", cached}}});
  }
  return usage;
}

json response(const std::string& text, const std::string& finish, const json& usage,
              std::string_view id) {
  json candidate{{"content", {{"parts", json::array({json{{"text", text}}})}, {"role", "model"}}},
                 {"finishReason", finish},
                 {"index", 0}};
  if (finish == "SAFETY") {
    candidate.erase("content");
    candidate["safetyRatings"] = json::array({json{{"category", "HARM_CATEGORY_DANGEROUS_CONTENT"},
                                                   {"probability", "HIGH"},
                                                   {"blocked", true}}});
  }
  return json{{"candidates", json::array({candidate})},
              {"usageMetadata", usage},
              {"modelVersion", "gemini-fake"},
              {"responseId", std::string(id)}};
}

json retry_info(const std::string& delay) {
  return json{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", delay}};
}

std::string error_with(int code, std::string_view status, std::string_view message,
                       const json& details) {
  return json{{"error",
               {{"code", code},
                {"message", std::string(message)},
                {"status", std::string(status)},
                {"details", details}}}}
      .dump();
}

}  // namespace

std::string gemini_error(int code, std::string_view status, std::string_view message) {
  return error_with(code, status, message, json::array());
}

GeminiPromptCount count_gemini_prompt(std::string_view request_body) {
  GeminiPromptCount count;
  const json request = json::parse(request_body, nullptr, false);
  if (!request.is_object()) return count;
  const int per_image = image_tokens(request);
  if (request.contains("systemInstruction"))
    count_parts(request["systemInstruction"], per_image, count);
  if (request.contains("contents") && request["contents"].is_array()) {
    for (const auto& content : request["contents"]) count_parts(content, per_image, count);
  }
  return count;
}

GeminiAnswer gemini_answer(const ScriptedReply& reply, const std::string& content,
                           std::string_view request_body, const FakeServerOptions& options,
                           std::string_view api_key, std::string_view response_id) {
  const GeminiPromptCount count = count_gemini_prompt(request_body);
  const int output = options.completion_tokens;
  const json usage = usage_of(count, options, output);
  const auto ok = [&](const std::string& text, const std::string& finish = "STOP") {
    return GeminiAnswer{200, response(text, finish, usage, response_id).dump()};
  };
  const std::string exhausted = "Resource has been exhausted (e.g. check quota).";
  switch (reply.fault) {
    case Fault::none:
    case Fault::batch_expired:
    case Fault::slow:
    case Fault::drop_connection: return ok(content);
    case Fault::rate_limited:
      return GeminiAnswer{429, error_with(429, "RESOURCE_EXHAUSTED", exhausted, json::array())};
    case Fault::resource_exhausted:
      return GeminiAnswer{429, error_with(429, "RESOURCE_EXHAUSTED", exhausted,
                                          json::array({retry_info(reply.retry_delay)}))};
    case Fault::quota_per_day:
      return GeminiAnswer{
          429,
          error_with(
              429, "RESOURCE_EXHAUSTED", exhausted,
              json::array(
                  {json{{"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
                        {"violations",
                         json::array({json{
                             {"quotaMetric",
                              "generativelanguage.googleapis.com/"
                              "generate_content_free_tier_requests"},
                             {"quotaId", "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}}})}},
                   retry_info("40s")}))};
    case Fault::server_error:
    case Fault::internal:
      return GeminiAnswer{
          500, gemini_error(500, "INTERNAL", "An internal error has occurred. Please retry.")};
    case Fault::unavailable:
      return GeminiAnswer{503, gemini_error(503, "UNAVAILABLE", "The model is overloaded.")};
    case Fault::bad_request:
    case Fault::invalid_argument:
      return GeminiAnswer{
          400, gemini_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")};
    case Fault::unauthorized:
      return GeminiAnswer{
          400,
          error_with(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                     json::array({json{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                       {"reason", "API_KEY_INVALID"},
                                       {"domain", "googleapis.com"}}}))};
    case Fault::forbidden:
      return GeminiAnswer{
          403, gemini_error(403, "PERMISSION_DENIED",
                            "Permission denied: Consumer has been suspended or the API key lacks "
                            "access to this model.")};
    case Fault::model_not_found:
      return GeminiAnswer{404, gemini_error(404, "NOT_FOUND",
                                            "The model is not found for API version v1beta, or is "
                                            "not supported for generateContent.")};
    case Fault::truncated_body: return GeminiAnswer{200, ok(content).body.substr(0, 40)};
    case Fault::malformed_json: return ok(R"({"category": "photo", "confidence": 0.9, )");
    case Fault::schema_breaking:
      return ok(R"({"category":"photo","confidence":7,"route":"maybe"})");
    case Fault::unknown_category: return ok(decision_with_category("weapons"));
    case Fault::path_category: return ok(decision_with_category("../../etc"));
    case Fault::echo_credentials:
      return GeminiAnswer{
          400, gemini_error(400, "INVALID_ARGUMENT",
                            "Invalid request headers: x-goog-api-key: " + std::string(api_key))};
    case Fault::safety: return ok("", "SAFETY");
    case Fault::max_tokens: return ok(content.substr(0, content.size() / 2), "MAX_TOKENS");
    case Fault::blocked: {
      json blocked{{"promptFeedback",
                    {{"blockReason", "PROHIBITED_CONTENT"}, {"safetyRatings", json::array()}}},
                   {"usageMetadata", usage_of(count, options, 0)},
                   {"modelVersion", "gemini-fake"},
                   {"responseId", std::string(response_id)}};
      return GeminiAnswer{200, blocked.dump()};
    }
  }
  return ok(content);
}

}  // namespace fakes

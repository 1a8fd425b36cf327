#pragma once
// What the fake model server answers on Gemini's native API (v1beta generateContent): a
// GenerateContentResponse with candidates and usageMetadata counted from the request as Gemini
// bills it, or each scripted fault in Google's shape (an error object with status and details,
// a finishReason other than STOP, a promptFeedback.blockReason without candidates).

#include <string>
#include <string_view>

#include "tests/fakes/fake_model_server.h"

namespace fakes {

struct GeminiAnswer {
  int status = 200;
  std::string body;
};

// The answer to one generateContent request for `reply` (a content-bearing fault or an error).
// `content` is the decision text when the fault carries one.
GeminiAnswer gemini_answer(const ScriptedReply& reply, const std::string& content,
                           std::string_view request_body, const FakeServerOptions& options,
                           std::string_view api_key, std::string_view response_id);

// A google.rpc.Status error body: {"error": {"code", "message", "status", "details"}}.
std::string gemini_error(int code, std::string_view status, std::string_view message);

// Prompt tokens as Gemini counts them for this request: text at ~4 characters a token, an image
// by generationConfig.mediaResolution (64 at LOW, 256 above, 258 unset), audio at 32 a second.
struct GeminiPromptCount {
  int text = 0;
  int image = 0;
  int audio = 0;
};
GeminiPromptCount count_gemini_prompt(std::string_view request_body);

}  // namespace fakes

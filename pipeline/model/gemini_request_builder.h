#pragma once
// Builds Gemini generateContent bodies (v1beta): the prompt's system text as systemInstruction,
// first in the bytes and identical in every request (implicit caching keys on the prefix); one
// user turn of text and inlineData parts; generationConfig asking for JSON under the prompt's
// schema as `responseSchema` (the OpenAPI subset: upper-case types, propertyOrdering so the
// model answers in the schema's order), no thinking, and the configured mediaResolution. Only
// fields the API reference defines: the API refuses a request with any other.

#include <optional>
#include <string>

#include "media/normalized.h"
#include "pipeline/error.h"
#include "pipeline/model/prompt.h"
#include "pipeline/model/wire_format.h"

namespace pipeline {

class GeminiRequestBuilder {
 public:
  GeminiRequestBuilder(const Prompt& prompt, MediaResolution resolution);

  Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                            const std::optional<Repair>& repair = std::nullopt) const;

  // The response schema as sent (compact JSON).
  const std::string& response_schema() const { return m_response_schema; }

 private:
  MediaResolution m_resolution;
  std::string m_system_instruction;  // the systemInstruction object, serialized once
  std::string m_response_schema;
};

// The thinking budget for a reasoning effort: none (or unset) is 0, so thinking stays off.
int thinking_budget(const std::string& reasoning_effort);

}  // namespace pipeline

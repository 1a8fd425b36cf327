#pragma once
// The `gemini` wire format, Gemini's native API: POST
// {base_url}/v1beta/models/{model}:generateContent with the key only in the x-goog-api-key
// header (a URL ends up in proxy logs), a GeminiRequestBuilder body, and a
// GenerateContentResponse read back: candidates[0].content.parts[].text, a finishReason other
// than STOP or a promptFeedback.blockReason as a typed error, and usageMetadata with its split
// by modality.

#include "pipeline/model/gemini_request_builder.h"
#include "pipeline/model/wire_format.h"

namespace pipeline {

class GeminiWire final : public WireFormat {
 public:
  GeminiWire(Taxonomy taxonomy, MediaResolution resolution)
      : m_prompt(std::move(taxonomy)), m_builder(m_prompt, resolution) {}

  std::string_view name() const override { return "gemini"; }
  const Prompt& prompt() const override { return m_prompt; }
  std::string url(std::string_view base_url, std::string_view model) const override;
  std::vector<std::string> key_headers(const std::string& api_key) const override;
  Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                            const std::optional<Repair>& repair) const override {
    return m_builder.build(input, options, repair);
  }
  WireReply read(const std::string& body) const override;

 private:
  Prompt m_prompt;
  GeminiRequestBuilder m_builder;
};

// A GenerateContentResponse, as read() reads it (also for a batch's inlined responses).
WireReply read_gemini_response(const std::string& body);

}  // namespace pipeline

#pragma once
// The `openai` wire format: POST {base_url}/chat/completions with the key as a bearer token,
// a chat-completions body (RequestBuilder), and choices[0].message.content with `usage` read
// back.

#include "pipeline/model/request_builder.h"
#include "pipeline/model/wire_format.h"

namespace pipeline {

class OpenAiWire final : public WireFormat {
 public:
  explicit OpenAiWire(Taxonomy taxonomy) : m_builder(std::move(taxonomy)) {}

  std::string_view name() const override { return "openai"; }
  const Prompt& prompt() const override { return m_builder.prompt(); }
  std::string url(std::string_view base_url, std::string_view model) const override;
  std::vector<std::string> key_headers(const std::string& api_key) const override;
  Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                            const std::optional<Repair>& repair) const override {
    return m_builder.build(input, options, repair);
  }
  WireReply read(const std::string& body) const override;

 private:
  RequestBuilder m_builder;
};

}  // namespace pipeline

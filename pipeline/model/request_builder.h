#pragma once
// Builds chat-completions request bodies (the `openai` wire format): the prompt's system text
// as the system message and its schema as a strict json_schema response format, both
// byte-identical in every request; the file's parts come last. It knows nothing of HTTP.

#include <optional>
#include <string>

#include "media/normalized.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/error.h"
#include "pipeline/model/prompt.h"

namespace pipeline {

class RequestBuilder {
 public:
  explicit RequestBuilder(Taxonomy taxonomy) : m_prompt(std::move(taxonomy)) {}

  // The request body as JSON text. Fails only on a part the API cannot carry.
  Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                            const std::optional<Repair>& repair = std::nullopt) const;

  const std::string& prompt_version() const { return m_prompt.version(); }
  const std::string& system_text() const { return m_prompt.system_text(); }
  const std::string& schema_json() const { return m_prompt.schema_json(); }
  const Taxonomy& taxonomy() const { return m_prompt.taxonomy(); }
  const Prompt& prompt() const { return m_prompt; }

 private:
  Prompt m_prompt;
};

}  // namespace pipeline

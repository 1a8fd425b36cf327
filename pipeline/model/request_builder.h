#pragma once
// Builds chat-completions request bodies. The system message (instructions, taxonomy with
// descriptions and examples, field descriptions) and the response schema are computed once and
// are byte-identical in every request, so the provider's implicit prefix cache applies; the
// file's parts come last. It knows nothing of HTTP.

#include <optional>
#include <string>

#include "media/normalized.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/error.h"

namespace pipeline {

struct RequestOptions {
  std::string model;
  double temperature = 0;
  int max_output_tokens = 256;
  std::string reasoning_effort;  // empty: not sent, so thinking stays off
  bool send_ocr_text = false;    // the text OCR read in an image, as a text part
};

// A second chance for a reply that broke the schema: the reply and what was wrong with it.
struct Repair {
  std::string previous_reply;
  std::string error;
};

class RequestBuilder {
 public:
  explicit RequestBuilder(Taxonomy taxonomy);

  // The request body as JSON text. Fails only on a part the API cannot carry.
  Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                            const std::optional<Repair>& repair = std::nullopt) const;

  // A short hash of the stable prefix and the schema: a new prompt invalidates cached results.
  const std::string& prompt_version() const { return m_prompt_version; }
  const std::string& system_text() const { return m_system_text; }
  const std::string& schema_json() const { return m_schema_json; }
  const Taxonomy& taxonomy() const { return m_taxonomy; }

 private:
  Taxonomy m_taxonomy;
  std::string m_system_text;
  std::string m_schema_json;
  std::string m_prompt_version;
};

}  // namespace pipeline

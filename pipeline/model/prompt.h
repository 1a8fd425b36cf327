#pragma once
// The stable prefix every request starts with, whatever the API carries it: the instructions,
// the taxonomy with its descriptions and examples, the field descriptions, and the response
// schema. Computed once and byte-identical in every request (so the provider's implicit prefix
// cache applies), and versioned by its hash so that cached results die with it. It knows
// nothing of HTTP or of any API's request shape.

#include <optional>
#include <string>

#include "media/normalized.h"
#include "pipeline/decide/taxonomy.h"

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

class Prompt {
 public:
  explicit Prompt(Taxonomy taxonomy);

  const std::string& system_text() const { return m_system_text; }
  const std::string& schema_json() const { return m_schema_json; }
  // A short hash of the system text and the schema: a new prompt invalidates cached results.
  const std::string& version() const { return m_version; }
  const Taxonomy& taxonomy() const { return m_taxonomy; }

  // The text that opens the file's turn: its kind and the facts about the original.
  static std::string file_header(const media::Normalized& input);
  // The text OCR read in the file, as one text part when `options` send it; empty otherwise.
  static std::string ocr_part(const media::Normalized& input, const RequestOptions& options);
  // A text part's text, its label first.
  static std::string part_text(const media::Part& part);
  // The model's invalid reply as echoed back (capped), and the request to answer again.
  static std::string repair_echo(const Repair& repair);
  static std::string repair_request(const Repair& repair);

 private:
  Taxonomy m_taxonomy;
  std::string m_system_text;
  std::string m_schema_json;
  std::string m_version;
};

// Standard base64 (RFC 4648 with padding), as both APIs carry inline bytes.
std::string base64(const std::string& bytes);

}  // namespace pipeline

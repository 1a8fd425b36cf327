#include "pipeline/model/wire_format.h"

#include "pipeline/model/gemini_wire.h"
#include "pipeline/model/openai_wire.h"

namespace pipeline {

std::unique_ptr<WireFormat> make_wire_format(const WireSettings& settings, Taxonomy taxonomy) {
  switch (settings.kind) {
    case WireKind::openai: return std::make_unique<OpenAiWire>(std::move(taxonomy));
    case WireKind::gemini:
      return std::make_unique<GeminiWire>(std::move(taxonomy), settings.media_resolution);
  }
  return std::make_unique<OpenAiWire>(std::move(taxonomy));
}

std::string default_base_url(WireKind kind) {
  switch (kind) {
    case WireKind::openai: return "https://generativelanguage.googleapis.com/v1beta/openai";
    case WireKind::gemini: return "https://generativelanguage.googleapis.com";
  }
  return {};
}

}  // namespace pipeline

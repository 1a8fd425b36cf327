#pragma once
// What one provider's API looks like on the wire: where a request for a model goes, which
// headers carry the key, how the body is built from the prompt and a file, and what a 2xx
// body says (the text, why there is none, the usage). ProviderBackend runs the same limits,
// breaker, retries, repair and pricing over each format; only these differences live here.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/normalized.h"
#include "pipeline/decide/backend.h"
#include "pipeline/error.h"
#include "pipeline/model/prompt.h"

namespace pipeline {

enum class WireKind {
  openai,  // chat completions, any OpenAI-compatible endpoint
  gemini,  // Gemini's native generateContent (v1beta)
};

// How finely Gemini looks at an image or a video frame: LOW bills 64 tokens, MEDIUM and HIGH
// 256 (Gemini 2.5). Ignored by the openai format.
enum class MediaResolution { low, medium, high };

struct WireSettings {
  WireKind kind = WireKind::openai;
  MediaResolution media_resolution = MediaResolution::low;
};

// What a 2xx body says.
struct WireReply {
  std::string content;  // the model's text, or the raw body when there is none
  std::string error;    // why the body is not a usable reply; empty when it is
  // What the error is: invalid_reply (a repair may help), or blocked (the provider refused
  // the file: no repair, no retry, human review).
  ErrorCode code = ErrorCode::invalid_reply;
  bool repairable = true;  // whether asking again with the error could help
  std::optional<Usage> usage;
  // The prompt's split by modality as the provider counted it; empty: estimate it.
  std::optional<double> audio_share;
  std::optional<double> image_share;
  std::string id;
};

class WireFormat {
 public:
  virtual ~WireFormat() = default;

  virtual std::string_view name() const = 0;
  virtual const Prompt& prompt() const = 0;
  // The URL for one request to `model`; never carries the key.
  virtual std::string url(std::string_view base_url, std::string_view model) const = 0;
  // The headers carrying the key (none when the key is empty).
  virtual std::vector<std::string> key_headers(const std::string& api_key) const = 0;
  // The body; fails only on a part the API cannot carry.
  virtual Result<std::string> build(const media::Normalized& input, const RequestOptions& options,
                                    const std::optional<Repair>& repair) const = 0;
  virtual WireReply read(const std::string& body) const = 0;
};

std::unique_ptr<WireFormat> make_wire_format(const WireSettings& settings, Taxonomy taxonomy);

// Where the format's public endpoint is, for a base_url left empty.
std::string default_base_url(WireKind kind);

}  // namespace pipeline

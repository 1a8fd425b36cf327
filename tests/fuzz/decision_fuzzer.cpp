// Validation of a model's reply (parse_decision, which every backend's answer goes through)
// against the default taxonomy: a reply it accepts names a category of the taxonomy, a
// confidence in 0..1 and fields of the right types, and its canonical JSON (to_json) is
// accepted again as the same decision.

#include <nlohmann/json.hpp>

#include "pipeline/decide/decision.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

bool is_valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const pipeline::Taxonomy taxonomy = pipeline::default_taxonomy();
  const auto decision = pipeline::parse_decision(fuzz::as_text(data, size), taxonomy);
  if (!decision) {
    fuzz::check(decision.error().code == pipeline::ErrorCode::invalid_reply,
                "a bad reply is invalid_reply");
    return 0;
  }
  const pipeline::Category* category = taxonomy.find(decision->category);
  fuzz::check(category != nullptr, "the category is in the taxonomy");
  fuzz::check(decision->confidence >= 0 && decision->confidence <= 1, "confidence is 0..1");
  fuzz::check(decision->summary.size() <= pipeline::k_max_summary_chars, "the summary is capped");

  const auto again = pipeline::parse_decision(pipeline::to_json(*decision), taxonomy);
  fuzz::check(again.has_value(), "the canonical form of a decision is accepted");
  fuzz::check(again->category == decision->category, "the category survives a round trip");
  fuzz::check(again->confidence == decision->confidence, "the confidence survives a round trip");
  fuzz::check(again->route == decision->route, "the route survives a round trip");
  fuzz::check(again->fields == decision->fields, "the fields survive a round trip");
  if (is_valid_utf8(decision->summary)) {
    fuzz::check(again->summary == decision->summary, "the summary survives a round trip");
  }
  return 0;
}

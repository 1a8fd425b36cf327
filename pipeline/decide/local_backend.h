#pragma once
// The offline backend: deterministic rules over the normalized facts and any extracted text.
// It needs no key and no network, so siftd works out of the box; it is also the fallback when
// the remote model is down or over budget. Its answers pass the same validation as a model's.

#include "pipeline/decide/backend.h"
#include "pipeline/decide/taxonomy.h"

namespace pipeline {

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(Taxonomy taxonomy) : m_taxonomy(std::move(taxonomy)) {}
  std::string_view name() const override { return "local"; }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;

  static constexpr std::string_view k_rules_version = "local-rules-1";

 private:
  Taxonomy m_taxonomy;
};

}  // namespace pipeline

#pragma once
// Reuses a decision already paid for: content seen before (same sha256) under the same prompt
// version and model is answered from the ResultCache with no request. Only answers of the
// configured model are stored, never a fallback's, so an outage never becomes permanent.

#include <string>

#include "pipeline/decide/backend.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/model/result_cache.h"

namespace pipeline {

class CachingBackend final : public Backend {
 public:
  CachingBackend(Backend& inner, ResultCache& cache, Taxonomy taxonomy, std::string prompt_version,
                 std::string model)
      : m_inner(inner),
        m_cache(cache),
        m_taxonomy(std::move(taxonomy)),
        m_prompt_version(std::move(prompt_version)),
        m_model(std::move(model)) {}

  std::string_view name() const override { return m_inner.name(); }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;

 private:
  Backend& m_inner;
  ResultCache& m_cache;
  Taxonomy m_taxonomy;
  std::string m_prompt_version;
  std::string m_model;
};

}  // namespace pipeline

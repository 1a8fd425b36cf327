#pragma once
// The escalation cascade: the fast model answers first; when it is unsure (confidence under
// the threshold) or asks for a stronger model, a second configured model answers before the
// file is routed. Both answers and both costs are kept in Answer::tiers.

#include "pipeline/decide/backend.h"

namespace pipeline {

class CascadeBackend final : public Backend {
 public:
  CascadeBackend(Backend& first, Backend& second, double confidence_threshold)
      : m_first(first), m_second(second), m_threshold(confidence_threshold) {}

  std::string_view name() const override { return m_first.name(); }
  Result<Answer> decide(const media::Normalized& input, const DecideContext& context) override;

 private:
  Backend& m_first;
  Backend& m_second;
  double m_threshold;
};

}  // namespace pipeline

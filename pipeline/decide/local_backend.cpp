#include "pipeline/decide/local_backend.h"

#include <chrono>

#include "pipeline/decide/local_rules.h"

namespace pipeline {

Result<Answer> LocalBackend::decide(const media::Normalized& input, const DecideContext&) {
  const auto start = std::chrono::steady_clock::now();
  Guess guess = guess_category(input);
  if (!m_taxonomy.find(guess.category)) {
    // The configured taxonomy lacks what the rules found: say so rather than invent.
    guess.category = m_taxonomy.find("other") ? "other" : m_taxonomy.categories.front().name;
    guess.confidence = 0;
  }
  Decision decision;
  decision.category = guess.category;
  decision.confidence = guess.confidence;
  decision.route = Route::accept;
  decision.summary = guess.summary;
  for (const auto& field : m_taxonomy.find(guess.category)->fields) {
    decision.fields.emplace(field.name, FieldValue{});
  }

  Answer answer;
  answer.raw_reply = to_json(decision);
  // The same validation a model's reply gets: the rules are held to the schema too.
  auto validated = parse_decision(answer.raw_reply, m_taxonomy);
  if (!validated) return tl::unexpected(validated.error());
  answer.decision = std::move(*validated);
  answer.backend = "local";
  answer.model = std::string(k_rules_version);
  answer.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return answer;
}

}  // namespace pipeline

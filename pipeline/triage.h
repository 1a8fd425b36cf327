#pragma once
// triage(): the one sequence every command runs on a file: normalize it, ask the backend,
// and turn the validated answer into an outcome by the configured thresholds. `siftd run`
// (through JobRunner, which journals around it), `siftd once` and `siftd eval` all call it,
// so they decide the same way.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "media/normalized.h"
#include "pipeline/decide/backend.h"
#include "pipeline/decide/policy.h"
#include "pipeline/error.h"
#include "pipeline/job.h"
#include "pipeline/normalizer.h"

namespace pipeline {

struct Timings {
  double normalize_ms = 0;
  double decide_ms = 0;
};

struct Triaged {
  std::optional<media::Normalized> normalized;  // empty when normalization failed
  std::optional<Answer> answer;                 // empty when no answer was had
  std::optional<Outcome> outcome;               // route, escalate or review, with an answer
  std::optional<StageError> error;              // the stage that failed, when one did
  std::optional<media::Kind> probed_kind;       // what probing found when normalizing failed
  // The decision was put off, not failed: shutdown ("cancelled"), a per-day quota or a spend
  // cap. The file is not at fault; the daemon asks again later.
  std::string parked;
  Timings timings;
};

struct TriageRequest {
  std::string path;
  DecideContext context;  // the content hash, when a cached answer may serve
  // Called once the file is normalized and before the backend is asked; an error stops the
  // triage there (the runner journals `normalized` here, so a crash never asks twice).
  std::function<Result<void>(const media::Normalized&)> on_normalized;
};

Triaged triage(Normalizer& normalizer, Backend& backend, const Thresholds& thresholds,
               const TriageRequest& request);

// Whether a backend error puts the decision off instead of failing the file.
bool is_parking(ErrorCode code);

}  // namespace pipeline

#include "pipeline/triage.h"

#include <chrono>

namespace pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

}  // namespace

bool is_parking(ErrorCode code) {
  return code == ErrorCode::cancelled || code == ErrorCode::quota || code == ErrorCode::paused ||
         code == ErrorCode::over_budget;
}

Triaged triage(Normalizer& normalizer, Backend& backend, const Thresholds& thresholds,
               const TriageRequest& request) {
  Triaged result;
  const auto normalize_start = SteadyClock::now();
  auto normalized = normalizer.normalize(request.path);
  result.timings.normalize_ms = ms_since(normalize_start);
  if (!normalized) {
    result.error =
        StageError{Stage::normalize, std::string(media::to_string(normalized.error().code)),
                   normalized.error().detail};
    result.probed_kind = normalized.error().kind;
    return result;
  }
  result.normalized = std::move(*normalized);
  if (request.on_normalized) {
    if (auto ok = request.on_normalized(*result.normalized); !ok) {
      result.error =
          StageError{Stage::normalize, std::string(to_string(ok.error().code)), ok.error().detail};
      return result;
    }
  }

  const auto decide_start = SteadyClock::now();
  auto answer = backend.decide(*result.normalized, request.context);
  result.timings.decide_ms = ms_since(decide_start);
  if (!answer) {
    const ErrorCode code = answer.error().code;
    if (is_parking(code)) result.parked = std::string(to_string(code));
    result.error = StageError{Stage::decide, std::string(to_string(code)), answer.error().detail};
    return result;
  }
  result.outcome = decide_outcome(answer->decision, thresholds);
  result.answer = std::move(*answer);
  return result;
}

}  // namespace pipeline

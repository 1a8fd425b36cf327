#pragma once
// What the model costs: USD computed from a reply's `usage` with configured per-modality
// prices (cached prompt tokens at the cached price), summed per UTC day and month against the
// configured caps; with a SpendLedger the sums survive restarts. Thread-safe.

#include <chrono>
#include <mutex>
#include <string>

#include "media/normalized.h"
#include "pipeline/clock.h"
#include "pipeline/decide/backend.h"
#include "pipeline/model/spend_ledger.h"

namespace pipeline {

// USD per million tokens. Defaults: Gemini 2.5 Flash-Lite's list prices.
struct Prices {
  double input_text = 0.10;
  double input_image = 0.10;
  double input_audio = 0.30;
  double input_cached = 0.025;
  double output = 0.40;
};

// How the request's prompt splits across modalities, estimated from the normalized parts.
struct PromptMix {
  double audio_share = 0;  // 0..1 of the prompt tokens that were audio
  double image_share = 0;  // 0..1 that were images (or video frames)
};

PromptMix estimate_mix(const media::Normalized& input, int prefix_tokens);

// Cost of one reply. Providers report cached tokens inside prompt_tokens; those are the stable
// text prefix, so they are priced at the cached text rate and the rest split by the mix.
double cost_usd(const Usage& usage, const PromptMix& mix, const Prices& prices);

struct SpendCaps {
  double daily_usd = 0;    // 0: no cap
  double monthly_usd = 0;  // 0: no cap
};

class SpendTracker {
 public:
  // `ledger` may be null: then the sums start at zero with each process.
  SpendTracker(SpendCaps caps, Clock& clock, SpendLedger* ledger = nullptr)
      : m_caps(caps), m_clock(clock), m_ledger(ledger) {}

  // Whether today's or this month's spend has reached its cap.
  bool is_over();
  void add(double usd);
  double spent_today();
  double spent_this_month();

 private:
  void roll();

  SpendCaps m_caps;
  Clock& m_clock;
  SpendLedger* m_ledger;
  std::mutex m_mutex;
  std::string m_day;    // "YYYY-MM-DD" in UTC
  std::string m_month;  // "YYYY-MM"
  double m_today = 0;
  double m_month_total = 0;
};

}  // namespace pipeline

#pragma once
// The port every decision source implements: the offline `local` rules, the `openai`
// chat-completions client, or a fake in tests. Each answer is already validated.

#include <string>
#include <string_view>
#include <vector>

#include "media/normalized.h"
#include "pipeline/decide/decision.h"
#include "pipeline/error.h"

namespace pipeline {

struct Usage {
  int prompt_tokens = 0;
  int cached_tokens = 0;
  int completion_tokens = 0;
  double cost_usd = 0;
};

// What one model tier answered, kept when a cascade asked more than one.
struct TierAnswer {
  std::string model;
  Decision decision;
  Usage usage;
  double latency_ms = 0;
  std::string request_id;
};

struct Answer {
  Decision decision;
  std::string backend;     // "local", "openai"
  std::string model;       // model name, or the rules' version for local
  std::string request_id;  // the provider's id, when it gives one
  std::string raw_reply;   // the reply text as received (untrusted)
  Usage usage;             // everything billed for this file, all tiers together
  double latency_ms = 0;
  std::string prompt_version;     // hash of the stable prefix and schema; empty for local
  std::vector<TierAnswer> tiers;  // each model asked, in order, when more than one was
  std::string fallback_reason;    // why a fallback answered instead of the configured model
  int attempts = 0;               // HTTP requests sent, retries and repairs included
};

// What a backend may know about the file beyond its normalized content.
struct DecideContext {
  std::string sha256;  // of the original content; empty when unknown (no cache lookup)
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual Result<Answer> decide(const media::Normalized& input, const DecideContext& context) = 0;
  // Shutdown: decisions waiting on the network or a retry return ErrorCode::cancelled soon.
  virtual void cancel() {}
  // Why this backend sends nothing now (a spent quota or budget, a server-asked pause), for
  // /readyz and status; empty while it works.
  virtual std::string held_back() { return {}; }
  // Why this backend's answers come from its fallback although it still sends (a refused key,
  // an unknown model, an endpoint that keeps failing or failed the start probe), for /readyz
  // and status; empty while it answers. Cleared by the next answer the endpoint gives.
  virtual std::string degraded() { return {}; }
  // One small request through the real path, so a wrong key or model is found before any file
  // is asked: ok for a backend that sends nothing. Its failure also makes degraded() say so.
  virtual Result<void> probe() { return {}; }
};

}  // namespace pipeline

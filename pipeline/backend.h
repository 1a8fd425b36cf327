#pragma once
// The port every decision source implements: the offline `local` rules, the `openai`
// chat-completions client, or a fake in tests. Each answer is already validated.

#include <string>
#include <string_view>

#include "media/normalized.h"
#include "pipeline/decision.h"
#include "pipeline/error.h"

namespace pipeline {

struct Usage {
  int prompt_tokens = 0;
  int cached_tokens = 0;
  int completion_tokens = 0;
  double cost_usd = 0;
};

struct Answer {
  Decision decision;
  std::string backend;     // "local", "openai"
  std::string model;       // model name, or the rules' version for local
  std::string request_id;  // the provider's id, when it gives one
  std::string raw_reply;   // the reply text as received (untrusted)
  Usage usage;
  double latency_ms = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual Result<Answer> decide(const media::Normalized& input) = 0;
};

}  // namespace pipeline

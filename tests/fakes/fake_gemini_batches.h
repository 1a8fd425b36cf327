#pragma once
// The fake server's Gemini Batch API: batchGenerateContent takes inline requests and returns a
// long-running operation named "batches/N"; GET batches/N reports it running for a configured
// number of polls, then done with one inlined response (or error) per request, each carrying
// the request's metadata. Responses come back in reverse order, so a client that matches them
// by position instead of by key gets caught.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fakes/fake_gemini_replies.h"

namespace fakes {

class FakeGeminiBatches {
 public:
  using NextReply = std::function<ScriptedReply()>;
  using ContentOf = std::function<std::string(const ScriptedReply&)>;

  FakeGeminiBatches(const FakeServerOptions& options) : m_options(options) {}

  // Answers a batchGenerateContent body for `model`: the operation, or a 400 for a body
  // without inline requests.
  GeminiAnswer create(std::string_view model, std::string_view body, std::string_view api_key,
                      const NextReply& next, const ContentOf& content_of);
  // Answers GET batches/{id}.
  GeminiAnswer get(std::string_view id);
  // Batches created so far.
  std::size_t count() const;

 private:
  struct Batch {
    std::string model;
    std::string state;  // BATCH_STATE_*: where it ends
    int polls_left = 0;
    std::vector<std::string> entries;  // one InlinedResponse (JSON) per request
  };

  const FakeServerOptions& m_options;
  mutable std::mutex m_mutex;
  std::map<std::string, Batch> m_batches;
};

}  // namespace fakes

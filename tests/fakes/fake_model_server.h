#pragma once
// A model server for tests and benchmarks (cpp-httplib), bound to 127.0.0.1 on a chosen or free
// port, speaking both OpenAI-compatible chat completions (/v1/chat/completions) and Gemini's
// native API (/v1beta/models/{model}:generateContent, :batchGenerateContent, /v1beta/batches/{id}).
// It answers from one script, then with a default valid decision, after a configurable latency,
// and plays the faults a real endpoint shows, each in the API's own shape: 429 with Retry-After
// or RESOURCE_EXHAUSTED with RetryInfo, a per-day quota, 500, 503, a reply slower than any
// timeout, a dropped connection, broken JSON, replies that break the schema or leave the
// taxonomy, an error body echoing the credentials, a safety stop, a cut-off reply, a blocked
// prompt. In strict mode the Gemini routes refuse any field the API reference does not define,
// as the real API does. It records every request.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakes {

enum class Fault {
  none,                // 200 with the reply's content (or the default decision)
  rate_limited,        // 429 with Retry-After: retry_after_s
  resource_exhausted,  // 429, RetryInfo.retryDelay in a body wrapped in a JSON array
  quota_per_day,       // 429 whose QuotaFailure names a per-day quota
  server_error,        // 500
  unavailable,         // 503
  bad_request,         // 400: retrying cannot help
  unauthorized,        // a refused key: 401 (chat); Gemini's 400 INVALID_ARGUMENT API_KEY_INVALID
  forbidden,           // 403: the key may not use this model (PERMISSION_DENIED)
  model_not_found,     // 404: no such model (NOT_FOUND)
  slow,                // the reply comes after `slow_ms`, past any sane timeout
  drop_connection,     // headers, then the connection closes mid-body
  truncated_body,      // 200 whose body is cut-off JSON
  malformed_json,      // 200 whose message content is not JSON
  schema_breaking,     // content is JSON but breaks the schema
  unknown_category,    // a category outside the taxonomy
  path_category,       // a category that looks like a path: "../../etc"
  echo_credentials,    // 400 whose body quotes the Authorization and x-goog-api-key headers
  internal,            // 500 INTERNAL
  invalid_argument,    // 400 INVALID_ARGUMENT
  safety,              // 200, the candidate stopped with finishReason SAFETY and no text
  max_tokens,          // 200, half the reply, finishReason MAX_TOKENS (chat: "length")
  blocked,             // 200, promptFeedback.blockReason and no candidates (chat: content_filter)
  batch_expired,       // a batch whose first request draws this ends BATCH_STATE_EXPIRED
};

std::optional<Fault> parse_fault(std::string_view name);
// A valid decision naming `category`, as a reply's content.
std::string decision_with_category(const std::string& category);
std::string_view to_string(Fault fault);

struct ScriptedReply {
  Fault fault = Fault::none;
  std::string content;  // message content for Fault::none; empty: the default decision
  int retry_after_s = 2;
  std::string retry_delay = "3s";
};

struct FakeServerOptions {
  int port = 0;  // 0: any free port
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds slow{3000};
  int threads = 16;
  int prompt_tokens = 600;
  int cached_tokens = 400;
  int completion_tokens = 40;
  std::string default_content;  // empty: a valid "photo" decision
  bool strict = false;  // Gemini routes: 400 on fields the API does not define, 403 without a key
  int batch_polls = 1;  // GETs of a batch that still find it running before it is done
};

struct RecordedRequest {
  std::string path;
  std::string body;
  std::string authorization;
  std::string target;   // the path with its query string, as the client sent it
  std::string api_key;  // the x-goog-api-key header
  std::string method;
};

class FakeModelServer {
 public:
  explicit FakeModelServer(FakeServerOptions options = {});
  ~FakeModelServer();
  FakeModelServer(const FakeModelServer&) = delete;
  FakeModelServer& operator=(const FakeModelServer&) = delete;

  // Binds and starts serving on a thread; false when the port cannot be bound.
  bool start();
  void stop();

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:N/v1"
  std::string root_url() const;  // "http://127.0.0.1:N", the Gemini API's base

  // Replies used in order, one per request; afterwards every request gets the default.
  void script(std::vector<ScriptedReply> replies);
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  // The most requests it was ever answering at once.
  int max_concurrent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A script file: a JSON array of {"fault": name, "content": string or object,
// "retry_after_s": n, "retry_delay": "3s", "repeat": n}.
std::optional<std::vector<ScriptedReply>> load_script(const std::string& path, std::string& error);

}  // namespace fakes

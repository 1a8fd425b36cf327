#pragma once
// An OpenAI-compatible chat-completions server for tests and benchmarks (cpp-httplib), bound to
// 127.0.0.1 on a chosen or free port. It answers from a script, then with a default valid
// decision, after a configurable latency, and plays the faults a real endpoint shows: 429 with
// Retry-After, Gemini's RESOURCE_EXHAUSTED with RetryInfo in an array-wrapped body, a per-day
// quota, 500, 503, a reply slower than any timeout, a dropped connection, broken JSON, replies
// that break the schema or leave the taxonomy, an error body echoing the credentials. It records
// every request.

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
  unauthorized,        // 401
  slow,                // the reply comes after `slow_ms`, past any sane timeout
  drop_connection,     // headers, then the connection closes mid-body
  truncated_body,      // 200 whose body is cut-off JSON
  malformed_json,      // 200 whose message content is not JSON
  schema_breaking,     // content is JSON but breaks the schema
  unknown_category,    // a category outside the taxonomy
  path_category,       // a category that looks like a path: "../../etc"
  echo_credentials,    // 400 whose body quotes the Authorization and x-goog-api-key headers
};

std::optional<Fault> parse_fault(std::string_view name);
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
};

struct RecordedRequest {
  std::string path;
  std::string body;
  std::string authorization;
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

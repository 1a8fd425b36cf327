#pragma once
// The port that carries one chat-completions HTTP exchange: a POST with a JSON body and the
// status, headers and body that came back. Retries, limits and parsing live above it
// (ProviderBackend); the curl mechanism lives below it (CurlLlmClient); tests may fake it.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/error.h"

namespace pipeline {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::chrono::milliseconds timeout{30'000};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, verbatim
  std::string request_id;   // x-request-id (or the like), when sent
  double elapsed_ms = 0;
};

// Transport failures come back as errors: timeout, network, cancelled.
using HttpResult = Result<HttpResponse>;
using HttpCallback = std::function<void(HttpResult)>;

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // Queues the request; `done` runs once, on the client's own thread, when it finished.
  virtual void send(HttpRequest request, HttpCallback done) = 0;
  // Cancels everything queued or in flight; later sends fail with ErrorCode::cancelled.
  virtual void shutdown() {}
  // Sends and waits for the answer.
  HttpResult post(HttpRequest request);
};

}  // namespace pipeline

#pragma once
// LlmClient over libcurl's multi interface: one I/O thread drives up to `max_in_flight`
// transfers at once over reused connections (HTTP/2 multiplexed where the server offers it),
// with TLS verification on and a per-request timeout. Destroying the client cancels whatever
// is still queued or in flight; each callback still runs once, with ErrorCode::cancelled.

#include <memory>
#include <string>

#include "pipeline/error.h"
#include "pipeline/model/llm_client.h"

namespace pipeline {

struct CurlClientOptions {
  int max_in_flight = 16;
  std::size_t max_response_bytes = 4 << 20;
  std::string ca_file;  // empty: the system's trust store
};

class CurlLlmClient final : public LlmClient {
 public:
  static Result<std::unique_ptr<CurlLlmClient>> create(const CurlClientOptions& options);
  ~CurlLlmClient() override;
  CurlLlmClient(const CurlLlmClient&) = delete;
  CurlLlmClient& operator=(const CurlLlmClient&) = delete;

  void send(HttpRequest request, HttpCallback done) override;
  // Also stops the I/O thread.
  void shutdown() override;

 private:
  struct Impl;
  explicit CurlLlmClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace pipeline

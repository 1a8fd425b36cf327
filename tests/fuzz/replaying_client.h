#pragma once
// An LlmClient that answers every request with 200 and the fuzzer's input as the body: the
// reply-path fuzzers drive ProviderBackend::decide through it.

#include <string>

#include "pipeline/model/llm_client.h"

namespace fuzz {

class ReplayingClient final : public pipeline::LlmClient {
 public:
  explicit ReplayingClient(std::string body) : m_body(std::move(body)) {}
  void send(pipeline::HttpRequest, pipeline::HttpCallback done) override {
    pipeline::HttpResponse response;
    response.status = 200;
    response.body = m_body;
    done(std::move(response));
  }

 private:
  std::string m_body;
};

}  // namespace fuzz

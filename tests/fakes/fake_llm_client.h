#pragma once
// FakeLlmClient: the LlmClient port with no network. It answers each request at once, on the
// caller's thread, with the next scripted response (the last one repeats), and records every
// request, so backend tests can check retries, repairs and what was sent.

#include <mutex>
#include <vector>

#include "pipeline/model/llm_client.h"

namespace fakes {

inline pipeline::HttpResponse http_response(long status, std::string body,
                                            std::string retry_after = {}) {
  pipeline::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.retry_after = std::move(retry_after);
  return response;
}

class FakeLlmClient final : public pipeline::LlmClient {
 public:
  explicit FakeLlmClient(std::vector<pipeline::HttpResult> script) : m_script(std::move(script)) {}

  void send(pipeline::HttpRequest request, pipeline::HttpCallback done) override {
    pipeline::HttpResult result = pipeline::fail(pipeline::ErrorCode::cancelled, "shut down");
    {
      std::lock_guard lock(m_mutex);
      requests.push_back(std::move(request));
      if (!m_shut_down && !m_script.empty()) {
        result = m_script[std::min(m_next, m_script.size() - 1)];
        ++m_next;
      }
    }
    done(std::move(result));
  }

  void shutdown() override {
    std::lock_guard lock(m_mutex);
    m_shut_down = true;
  }

  std::vector<pipeline::HttpRequest> requests;

 private:
  std::mutex m_mutex;
  std::vector<pipeline::HttpResult> m_script;
  std::size_t m_next = 0;
  bool m_shut_down = false;
};

}  // namespace fakes

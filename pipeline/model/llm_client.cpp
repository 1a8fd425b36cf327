#include "pipeline/model/llm_client.h"

#include <future>

namespace pipeline {

HttpResult LlmClient::post(HttpRequest request) {
  std::promise<HttpResult> promise;
  auto future = promise.get_future();
  send(std::move(request), [&promise](HttpResult result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace pipeline

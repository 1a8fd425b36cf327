#pragma once
// Every request body a test produces is kept for tests/pipeline/validate_requests.py, which
// checks them against CreateChatCompletionRequest in the OpenAI spec.

#include <atomic>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/fakes/fake_model_server.h"

namespace pipeline_test {

inline void save_request_body(const std::string& body) {
  static std::atomic<int> counter{0};
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      test ? std::string(test->test_suite_name()) + "." + test->name() : "unknown";
  std::ofstream out(std::string(SIFTD_REQUEST_BODIES_DIR) + "/" + name + "." +
                        std::to_string(counter++) + ".json",
                    std::ios::binary | std::ios::trunc);
  out << body;
}

inline void save_request_bodies(const fakes::FakeModelServer& server) {
  for (const auto& request : server.requests()) save_request_body(request.body);
}

}  // namespace pipeline_test

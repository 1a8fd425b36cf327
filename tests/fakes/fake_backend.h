#pragma once
// FakeBackend: the Backend port answering from a script. Each call takes the next scripted
// result (the last one repeats), and every input is recorded, so tests can tell whether a
// file was asked again and what it was asked with.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/decide/backend.h"

namespace fakes {

inline pipeline::Answer photo_answer(double confidence = 0.9) {
  pipeline::Answer answer;
  answer.decision = pipeline::Decision{"photo", confidence, pipeline::Route::accept, "a photo", {}};
  answer.backend = "fake";
  answer.model = "fake-model";
  return answer;
}

class FakeBackend final : public pipeline::Backend {
 public:
  FakeBackend() : m_script{photo_answer()} {}
  explicit FakeBackend(std::vector<pipeline::Result<pipeline::Answer>> script)
      : m_script(std::move(script)) {}

  std::string_view name() const override { return "fake"; }

  pipeline::Result<pipeline::Answer> decide(const media::Normalized& input,
                                            const pipeline::DecideContext& context) override {
    std::lock_guard lock(m_mutex);
    inputs.push_back(input);
    contexts.push_back(context);
    const std::size_t next =
        std::min<std::size_t>(static_cast<std::size_t>(calls.load()), m_script.size() - 1);
    ++calls;
    return m_script[next];
  }

  void cancel() override { ++cancels; }

  std::atomic<int> calls{0};
  std::atomic<int> cancels{0};
  std::vector<media::Normalized> inputs;
  std::vector<pipeline::DecideContext> contexts;

 private:
  std::mutex m_mutex;
  std::vector<pipeline::Result<pipeline::Answer>> m_script;
};

}  // namespace fakes

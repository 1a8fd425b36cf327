// The gemini backend's handling of a 2xx body (GenerateContentResponse: candidates, finish
// reasons, promptFeedback, usageMetadata by modality, then validation with one repair round)
// through ProviderBackend::decide, with a client that answers every request with the input.
// Whatever the body, the backend returns a decision from the taxonomy, invalid_reply or
// blocked, after at most one repair round, and never a negative cost.

#include <spdlog/spdlog.h>

#include "pipeline/model/provider_backend.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/replaying_client.h"
#include "tests/pipeline/test_inputs.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ReplayingClient client{std::string(fuzz::as_text(data, size))};
  fakes::FakeClock clock;
  pipeline::ProviderSettings settings;
  settings.wire.kind = pipeline::WireKind::gemini;
  settings.base_url = "http://127.0.0.1:9";
  settings.request.model = "fuzz-model";
  auto spend = std::make_shared<pipeline::SpendTracker>(pipeline::SpendCaps{}, clock);
  pipeline::ProviderBackend backend(
      settings, pipeline::default_taxonomy(),
      pipeline::ProviderPorts{client, clock, spend, [] { return 0.5; }});
  const auto answer = backend.decide(pipeline_test::image_input(), pipeline::DecideContext{});
  fuzz::check(spend->spent_today() >= 0, "the spend never goes negative");
  if (!answer) {
    fuzz::check(answer.error().code == pipeline::ErrorCode::invalid_reply ||
                    answer.error().code == pipeline::ErrorCode::blocked,
                "a bad 2xx body is invalid_reply or blocked");
    return 0;
  }
  fuzz::check(answer->attempts >= 1 && answer->attempts <= 2, "at most one repair round");
  fuzz::check(answer->usage.cost_usd >= 0, "the cost is never negative");
  fuzz::check(pipeline::default_taxonomy().find(answer->decision.category) != nullptr,
              "the category is in the taxonomy");
  return 0;
}

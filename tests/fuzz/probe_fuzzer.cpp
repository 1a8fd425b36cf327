// Probing by content (libmagic, then libavformat for timed media) on bytes in memory: any
// input ends as a kind with its MIME type and format, or as a typed error that says why.

#include "media/probe.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto probe = media::probe_bytes(std::string(fuzz::as_text(data, size)));
  if (!probe) {
    fuzz::check(!probe.error().detail.empty(), "a probe error says why");
    return 0;
  }
  fuzz::check(!probe->mime.empty(), "a probe names the MIME type");
  fuzz::check(!probe->format.empty(), "a probe names the format");
  return 0;
}

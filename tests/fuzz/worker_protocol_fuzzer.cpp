// The worker protocol's decoders, which read frames from another process: the first byte
// picks a request or a response, the rest is the payload. Whatever decodes must encode to a
// payload that decodes to the same encoding again (no field lost or misread on the way).

#include "media/worker_protocol.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

template <typename Value>
void check_round_trip(const std::string& payload,
                      std::optional<Value> (*decode)(const std::string&),
                      std::string (*encode)(const Value&)) {
  const auto decoded = decode(payload);
  if (!decoded) return;
  const std::string encoded = encode(*decoded);
  const auto again = decode(encoded);
  fuzz::check(again.has_value(), "an encoded payload decodes");
  fuzz::check(encode(*again) == encoded, "a payload survives a round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return -1;
  const std::string payload(fuzz::as_text(data + 1, size - 1));
  if (data[0] % 2 == 0) {
    check_round_trip(payload, media::decode_request, media::encode_request);
  } else {
    check_round_trip(payload, media::decode_response, media::encode_response);
  }
  return 0;
}

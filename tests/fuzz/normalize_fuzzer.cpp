// The worker's decode entry point (media::normalize_file: probe by content, then the
// normalizer of that kind) on one input, under limits small enough that no input makes a run
// slow. Built once per kind (SIFTD_FUZZ_KIND): inputs the probe puts under another kind are
// rejected, so each target's corpus stays within its family.

#include <algorithm>

#include "media/image_header.h"
#include "media/normalizer.h"
#include "media/probe.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

media::Limits small_limits() {
  media::Limits limits;
  limits.image_max_side = 128;
  limits.max_pixels = 4'000'000;
  limits.max_bytes = 4u << 20;
  limits.max_duration_s = 600;
  limits.video_frames = 3;
  limits.video_audio_excerpt_s = 2;
  limits.audio_max_s = 5;
  limits.pdf_max_pages = 200;
  limits.pdf_text_pages = 2;
  limits.pdf_text_chars = 1000;
  limits.decode_timeout_ms = 3000;
  return limits;
}

// What every Normalized value promises its consumers.
void check_value(const media::Normalized& value, const media::Limits& limits) {
  fuzz::check(!value.parts.empty(), "a normalized value has at least one part");
  fuzz::check(value.token_estimate > 0, "a normalized value costs some tokens");
  for (const media::Part& part : value.parts) {
    fuzz::check(!part.mime.empty(), "every part names its MIME type");
    if (part.type != media::PartType::image) continue;
    const auto header = media::read_image_header(part.data);
    fuzz::check(header.has_value(), "an image part is a readable image");
    fuzz::check(header->width > 0 && header->height > 0, "an image part is not empty");
    fuzz::check(std::max(header->width, header->height) <= limits.image_max_side,
                "an image part fits limits.image_max_side");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file;
  static const media::Limits limits = small_limits();
  const auto probe = media::probe_bytes(std::string(fuzz::as_text(data, size)));
  if (!probe || probe->kind != media::Kind::SIFTD_FUZZ_KIND) return -1;
  const auto result = media::normalize_file(file.write(data, size), limits);
  if (!result) {
    fuzz::check(!result.error().detail.empty(), "an error says why");
    return 0;
  }
  check_value(*result, limits);
  return 0;
}

#pragma once
// Bounds every decoder runs under, and the budget the output must fit.

#include <cstdint>

namespace media {

struct Limits {
  int image_max_side = 384;  // longest side of a sent image (384 = 258 tokens)
  int jpeg_quality = 80;
  std::uint64_t max_pixels = 100'000'000;  // refused before decoding when the header says more
  std::uint64_t max_bytes = 512ull << 20;  // input files larger than this are refused
  double max_duration_s = 4 * 3600.0;      // audio and video longer than this are refused
  int video_frames = 6;                    // frames sampled into the contact sheet
  double video_audio_excerpt_s = 0;        // seconds of audio sent with a video (0: none)
  double audio_max_s = 60;                 // audio is capped to this many seconds
  bool audio_mp3 = false;                  // encode audio as mp3 (else 16-bit wav)
  int pdf_max_pages = 10000;               // documents with more pages are refused
  int pdf_text_pages = 3;                  // pages whose text is read
  int pdf_text_chars = 4000;               // characters of text sent
  int pdf_min_text_chars = 200;            // below this the first page is rendered instead
  int decode_timeout_ms = 10'000;          // wall clock per file, enforced by the worker pool
  int ocr_ms = 3000;  // Tesseract's time per image that may hold text (0: no OCR)
  // RLIMIT_AS of a decoding worker, MiB. The worker's own libraries already take about
  // 300 MiB of address space (65 MiB resident), so decoders get the rest.
  std::uint64_t worker_memory_mb = 512;
};

}  // namespace media

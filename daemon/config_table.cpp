#include "daemon/config_table.h"

namespace daemon_core {

// clang-format off
const std::vector<Option>& config_table() {
  static const std::vector<Option> table = {
    // [daemon]
    {"daemon.inbox", +[](Config& c) -> std::string& { return c.inbox; }, 0, 0, {},
     "folder watched for new files"},
    {"daemon.out", +[](Config& c) -> std::string& { return c.out; }, 0, 0, {},
     "root of the destination folders; {out} in route templates"},
    {"daemon.work_dir", +[](Config& c) -> std::string& { return c.work_dir; }, 0, 0, {},
     "work area on the inbox's filesystem (default <inbox>/.siftd); never watched"},
    {"daemon.journal", +[](Config& c) -> std::string& { return c.journal; }, 0, 0, {},
     "SQLite journal path (default <work_dir>/journal.db)"},
    {"daemon.journal_sync", +[](Config& c) -> std::string& { return c.journal_sync; }, 0, 0,
     {"full", "normal"}, "full: each transition survives power loss; normal: survives crashes"},
    {"daemon.workers", +[](Config& c) -> int& { return c.workers; }, 1, 256, {},
     "files processed at once"},
    {"daemon.settle_ms", +[](Config& c) -> int& { return c.settle_ms; }, 0, 3'600'000, {},
     "a file closed after writing must stay unchanged this long before it is taken"},
    {"daemon.rescan_s", +[](Config& c) -> int& { return c.rescan_s; }, 0, 86'400, {},
     "full rescan of the inbox every this many seconds, as a safety net (0: off)"},
    {"daemon.max_attempts", +[](Config& c) -> int& { return c.max_attempts; }, 1, 100, {},
     "a file that crashed or hung a worker this many times is quarantined as poison"},
    {"daemon.shutdown_timeout_s", +[](Config& c) -> int& { return c.shutdown_timeout_s; }, 0, 3600, {},
     "on SIGTERM, in-flight files get this long to finish before they are parked"},
    {"daemon.log_level", +[](Config& c) -> std::string& { return c.log_level; }, 0, 0,
     {"trace", "debug", "info", "warn", "error"}, "least severe log level shown"},

    // [limits]
    {"limits.image_max_side", +[](Config& c) -> int& { return c.limits.image_max_side; }, 16, 4096, {},
     "longest side of a sent image in px (384 = one 258-token tile)"},
    {"limits.jpeg_quality", +[](Config& c) -> int& { return c.limits.jpeg_quality; }, 10, 100, {},
     "quality of the JPEG sent"},
    {"limits.max_pixels", +[](Config& c) -> std::uint64_t& { return c.limits.max_pixels; }, 1, 1e12, {},
     "images whose header declares more pixels are refused before decoding"},
    {"limits.max_bytes", +[](Config& c) -> std::uint64_t& { return c.limits.max_bytes; }, 1, 1e13, {},
     "input files larger than this are refused"},
    {"limits.max_duration_s", +[](Config& c) -> double& { return c.limits.max_duration_s; }, 1, 1e6, {},
     "audio and video longer than this are refused"},
    {"limits.video_frames", +[](Config& c) -> int& { return c.limits.video_frames; }, 1, 64, {},
     "frames sampled from a video into one contact sheet"},
    {"limits.video_audio_excerpt_s", +[](Config& c) -> double& { return c.limits.video_audio_excerpt_s; }, 0, 600, {},
     "seconds of a video's audio sent with it (0: none)"},
    {"limits.audio_max_s", +[](Config& c) -> double& { return c.limits.audio_max_s; }, 1, 3600, {},
     "audio is trimmed of silence and capped to this many seconds"},
    {"limits.audio_mp3", +[](Config& c) -> bool& { return c.limits.audio_mp3; }, 0, 0, {},
     "send audio as mp3 (about 8x smaller) instead of 16-bit wav"},
    {"limits.pdf_max_pages", +[](Config& c) -> int& { return c.limits.pdf_max_pages; }, 1, 1'000'000, {},
     "documents with more pages are refused"},
    {"limits.pdf_text_pages", +[](Config& c) -> int& { return c.limits.pdf_text_pages; }, 1, 1000, {},
     "pages whose text is read"},
    {"limits.pdf_text_chars", +[](Config& c) -> int& { return c.limits.pdf_text_chars; }, 100, 1'000'000, {},
     "characters of text sent"},
    {"limits.pdf_min_text_chars", +[](Config& c) -> int& { return c.limits.pdf_min_text_chars; }, 0, 100'000, {},
     "below this much text the first page is rendered as an image (a scan)"},
    {"limits.decode_timeout_ms", +[](Config& c) -> int& { return c.limits.decode_timeout_ms; }, 100, 600'000, {},
     "wall-clock limit for normalizing one file"},
    {"limits.worker_memory_mb", +[](Config& c) -> std::uint64_t& { return c.limits.worker_memory_mb; }, 64, 65536, {},
     "address-space limit of a decoding worker, in MiB"},

    // [decide]
    {"decide.accept", +[](Config& c) -> double& { return c.thresholds.accept; }, 0, 1, {},
     "confidence at or above which a decision is routed by category"},
    {"decide.review", +[](Config& c) -> double& { return c.thresholds.review; }, 0, 1, {},
     "confidence below which a decision goes to human review; between the two it escalates"},

    // [routes]
    {"routes.route", +[](Config& c) -> std::string& { return c.routes.route; }, 0, 0, {},
     "folder for accepted decisions; {out} {category} {kind} {date} are filled in"},
    {"routes.escalate", +[](Config& c) -> std::string& { return c.routes.escalate; }, 0, 0, {},
     "folder for decisions that need a stronger model"},
    {"routes.review", +[](Config& c) -> std::string& { return c.routes.review; }, 0, 0, {},
     "folder for decisions that need a person"},
    {"routes.failed", +[](Config& c) -> std::string& { return c.routes.failed; }, 0, 0, {},
     "quarantine folder; each file gets <name>.error.json beside it"},

    // [model]
    {"model.backend", +[](Config& c) -> std::string& { return c.model.backend; }, 0, 0,
     {"local", "openai"}, "local: offline rules; openai: any OpenAI-compatible endpoint"},
    {"model.base_url", +[](Config& c) -> std::string& { return c.model.base_url; }, 0, 0, {},
     "chat-completions endpoint base (…/chat/completions is appended)"},
    {"model.name", +[](Config& c) -> std::string& { return c.model.name; }, 0, 0, {},
     "model name sent with each request"},
    {"model.temperature", +[](Config& c) -> double& { return c.model.temperature; }, 0, 2, {},
     "sampling temperature"},
    {"model.max_output_tokens", +[](Config& c) -> int& { return c.model.max_output_tokens; }, 16, 65536, {},
     "cap on the reply's tokens"},
    {"model.timeout_ms", +[](Config& c) -> int& { return c.model.timeout_ms; }, 100, 600'000, {},
     "per-request timeout"},
    {"model.max_in_flight", +[](Config& c) -> int& { return c.model.max_in_flight; }, 1, 1024, {},
     "concurrent requests"},
    {"model.max_retries", +[](Config& c) -> int& { return c.model.max_retries; }, 0, 20, {},
     "retries on 429, 5xx, timeouts and connection errors"},
    {"model.reasoning_effort", +[](Config& c) -> std::string& { return c.model.reasoning_effort; }, 0, 0,
     {"", "none", "minimal", "low", "medium", "high"}, "sent only when set; empty keeps thinking off"},
  };
  return table;
}
// clang-format on

}  // namespace daemon_core

#pragma once
// The immutable configuration of a siftd process, parsed from TOML through one table of
// keys (config_table.cpp) and then overridden by command-line flags. Passed by const&.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/choices.h"
#include "daemon/error.h"
#include "daemon/logging.h"
#include "media/limits.h"
#include "pipeline/decide/policy.h"
#include "pipeline/decide/taxonomy.h"
#include "pipeline/journal/journal.h"
#include "pipeline/model/fallback_backend.h"
#include "pipeline/model/wire_format.h"
#include "pipeline/same_content.h"

namespace daemon_core {

// The keys with fixed words hold enums; each lists its words once, here.
enum class ModelBackend { local, openai, gemini };
template <>
struct Choices<ModelBackend> {
  static constexpr Choice<ModelBackend> all[] = {{ModelBackend::local, "local"},
                                                 {ModelBackend::openai, "openai"},
                                                 {ModelBackend::gemini, "gemini"}};
};

template <>
struct Choices<pipeline::MediaResolution> {
  static constexpr Choice<pipeline::MediaResolution> all[] = {
      {pipeline::MediaResolution::low, "low"},
      {pipeline::MediaResolution::medium, "medium"},
      {pipeline::MediaResolution::high, "high"}};
};

enum class ReasoningEffort { unset, none, minimal, low, medium, high };
template <>
struct Choices<ReasoningEffort> {
  static constexpr Choice<ReasoningEffort> all[] = {
      {ReasoningEffort::unset, ""},          {ReasoningEffort::none, "none"},
      {ReasoningEffort::minimal, "minimal"}, {ReasoningEffort::low, "low"},
      {ReasoningEffort::medium, "medium"},   {ReasoningEffort::high, "high"}};
};

// How a watched folder learns of new files: inotify, polling scans, or chosen from its
// filesystem (network and FUSE filesystems are polled).
enum class WatchMode { automatic, inotify, poll };
template <>
struct Choices<WatchMode> {
  static constexpr Choice<WatchMode> all[] = {
      {WatchMode::automatic, "auto"}, {WatchMode::inotify, "inotify"}, {WatchMode::poll, "poll"}};
};

// Where files are decoded: in sandboxed worker processes, or (only when asked for) in siftd.
enum class Isolation { process, none };
template <>
struct Choices<Isolation> {
  static constexpr Choice<Isolation> all[] = {{Isolation::process, "process"},
                                              {Isolation::none, "none"}};
};

template <>
struct Choices<pipeline::SyncMode> {
  static constexpr Choice<pipeline::SyncMode> all[] = {{pipeline::SyncMode::full, "full"},
                                                       {pipeline::SyncMode::normal, "normal"}};
};

template <>
struct Choices<pipeline::OnFailure> {
  static constexpr Choice<pipeline::OnFailure> all[] = {
      {pipeline::OnFailure::local, "local"},
      {pipeline::OnFailure::human_review, "human_review"},
      {pipeline::OnFailure::none, "none"}};
};

template <>
struct Choices<pipeline::OnOverBudget> {
  static constexpr Choice<pipeline::OnOverBudget> all[] = {
      {pipeline::OnOverBudget::park, "park"}, {pipeline::OnOverBudget::local, "local"}};
};

template <>
struct Choices<pipeline::DuplicatePolicy> {
  static constexpr Choice<pipeline::DuplicatePolicy> all[] = {
      {pipeline::DuplicatePolicy::skip, "skip"},
      {pipeline::DuplicatePolicy::keep, "keep"},
      {pipeline::DuplicatePolicy::route, "route"}};
};

template <>
struct Choices<pipeline::FieldType> {
  static constexpr Choice<pipeline::FieldType> all[] = {{pipeline::FieldType::string, "string"},
                                                        {pipeline::FieldType::number, "number"},
                                                        {pipeline::FieldType::boolean, "boolean"}};
};

struct RouteTemplates {
  std::string route = "{out}/{category}";
  std::string escalate = "{out}/_escalate/{category}";
  std::string review = "{out}/_review/{category}";
  std::string failed = "{out}/_quarantine";
  // Optional queue announcing each placed file: "" (none), "dir:/path" (Maildir-style),
  // "redis://HOST:PORT/STREAM", "webhook:https://HOST/PATH" or "mqtt://HOST:PORT/TOPIC".
  std::string route_queue;
  std::string escalate_queue;
  std::string review_queue;
  std::string failed_queue;
  int redis_maxlen = 1'000'000;
  // The HMAC key of webhook queues; empty: SIFTD_WEBHOOK_SECRET, SIFTD_WEBHOOK_SECRET_FILE or
  // the systemd credential webhook-secret.
  std::string webhook_secret;
  std::string mqtt_node;  // <node> in siftd/<node>/status; empty: the host name
};

struct ModelConfig {
  ModelBackend backend = ModelBackend::local;
  std::string base_url;  // empty: the backend's own public endpoint
  pipeline::MediaResolution media_resolution = pipeline::MediaResolution::low;
  std::string name = "gemini-2.5-flash-lite";
  double temperature = 0;
  int max_output_tokens = 256;
  int timeout_ms = 30'000;
  int max_in_flight = 16;
  int max_retries = 4;
  ReasoningEffort reasoning_effort = ReasoningEffort::unset;  // unset: not sent (thinking off)
  bool send_ocr_text = false;  // the text OCR read in an image goes to the model too
  std::map<std::string, std::string> extra_headers;
  int backoff_base_ms = 500;
  int backoff_max_ms = 30'000;
  int max_server_wait_s = 300;
  int max_field_bytes = 4096;
  int requests_per_minute = 0;  // 0: no client-side limit
  int tokens_per_minute = 0;
  int breaker_failures = 5;  // 0: no circuit breaker
  int breaker_cooldown_s = 30;
  int quota_reset_hour_utc = 8;
  double daily_budget_usd = 0;  // 0: no cap
  double monthly_budget_usd = 0;
  pipeline::OnOverBudget on_over_budget = pipeline::OnOverBudget::park;
  pipeline::OnFailure fallback = pipeline::OnFailure::local;
  double price_input_text = 0.10;  // USD per million tokens
  double price_input_image = 0.10;
  double price_input_audio = 0.30;
  double price_input_cached = 0.025;
  double price_output = 0.40;
  bool probe_at_start = true;  // one request at `run` start finds a wrong key or model
  bool cache = true;
  std::string cache_path;        // result cache and spend ledger; empty: <work_dir>/result_cache.db
  std::string escalation_model;  // empty: no cascade
  std::string escalation_base_url;  // empty: base_url
  double escalation_below = 0.6;
};

// One watched folder as configured in a [[watch]] table.
struct WatchConfig {
  std::string path;
  std::optional<int> settle_ms;  // default: daemon.settle_ms
  WatchMode mode = WatchMode::automatic;
  int poll_interval_ms = 2000;
  std::vector<std::string> ignore;
};

// A watched folder with everything resolved: absolute paths, its work area, its settings.
struct FolderSettings {
  std::string path;
  std::string work_area;  // on the folder's filesystem, so claiming is a rename; never watched
  int settle_ms = 1000;
  WatchMode mode = WatchMode::automatic;
  int poll_interval_ms = 2000;
  int rescan_s = 300;
  std::vector<std::string> ignore;
  // Destination roots: never taken from, even if one comes to lie inside this folder.
  std::vector<std::string> destinations;
};

struct Config {
  std::string source;  // the file it came from, or "" for defaults

  // [daemon]
  std::string inbox = "./inbox";
  std::string out = "./sorted";
  std::string work_dir;  // empty: <inbox>/.siftd
  std::string journal;   // empty: <work_dir>/journal.db
  pipeline::SyncMode journal_sync = pipeline::SyncMode::full;
  int workers = 2;
  int settle_ms = 1000;
  int rescan_s = 300;
  int max_attempts = 2;
  int shutdown_timeout_s = 30;
  int min_free_mb = 256;  // intake pauses when the work area or a destination has less free
  LogLevel log_level = LogLevel::info;
  std::vector<std::string> ignore_patterns;  // extra temp-name patterns (fnmatch)
  pipeline::DuplicatePolicy duplicates = pipeline::DuplicatePolicy::skip;
  int retain_days = 90;  // finished journal and decision-log rows older than this go; 0: kept

  // [[watch]]: several folders, each with its own settings; when empty, daemon.inbox alone.
  std::vector<WatchConfig> watch;

  // [http]
  std::string http_listen;  // "127.0.0.1:PORT"; empty: off

  // [output]: who may read what siftd places (octal modes, a group name); empty: as today
  std::string output_file_mode;
  std::string output_dir_mode;
  std::string output_group;

  media::Limits limits;
  Isolation isolation = Isolation::process;
  pipeline::Thresholds thresholds;
  RouteTemplates routes;
  ModelConfig model;
  pipeline::Taxonomy taxonomy = pipeline::default_taxonomy();

  // Derived at load: absolute paths with defaults filled in.
  std::vector<FolderSettings> folders() const;
  std::string work_area() const;  // the first folder's; the journal lives there by default
  std::string journal_path() const;
  std::string expand(const std::string& path_template) const;
  // The fixed folder each route template starts with (before any {field}).
  std::vector<std::string> destination_roots() const;
};

// A configuration error has the code `config` and a detail "file:line:col: key: what is wrong".
Result<Config> parse_config_file(const std::string& path);
Result<Config> parse_config_text(const std::string& text, const std::string& source);

// Where a key ("daemon.inbox", "watch[1].path") was set: "file:line:column", or just the file.
using KeyLocator = std::function<std::string(const std::string& key)>;

// Checks what no single key can: paths that must not nest or overlap wherever they really are
// (through symlinks and bind mounts), thresholds in order. Errors name the key, and its line
// when `locate` knows it.
Result<void> validate(const Config& config, const KeyLocator& locate = {});

// Every key the table knows, as "section.key", with its documentation and default.
struct KeyDoc {
  std::string key;
  std::string type;
  std::string default_value;
  std::string doc;
};
std::vector<KeyDoc> documented_keys();

}  // namespace daemon_core

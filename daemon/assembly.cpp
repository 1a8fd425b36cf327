#include "daemon/assembly.h"

#include <unistd.h>

#include <algorithm>

#include "daemon/backend_factory.h"
#include "daemon/config_checks.h"
#include "pipeline/model/api_key.h"
#include "pipeline/route/backoff_publisher.h"
#include "pipeline/route/dir_queue_publisher.h"
#include "pipeline/route/discard_sink.h"
#include "pipeline/route/folder_sink.h"
#include "pipeline/route/mqtt_publisher.h"
#include "pipeline/route/placement.h"
#include "pipeline/route/queue_sink.h"
#include "pipeline/route/redis_stream_publisher.h"
#include "pipeline/route/webhook_publisher.h"

namespace daemon_core {

namespace {

// The [output] keys, checked when the configuration was read.
pipeline::OutputAccess output_access(const Config& config) {
  pipeline::OutputAccess access;
  access.file_mode = parse_mode(config.output_file_mode);
  access.dir_mode = parse_mode(config.output_dir_mode);
  access.group = find_group(config.output_group);
  return access;
}

// A folder sink for a route template. Nothing it places may leave `out` when the template lies
// under it (a symlinked category folder is refused), else the template's own fixed folder.
std::unique_ptr<pipeline::Sink> make_folder_sink(const Config& config,
                                                 const std::string& path_template,
                                                 pipeline::SidecarKind sidecar) {
  const std::string path = config.expand(path_template);
  const std::string out = config.expand("{out}");
  return std::make_unique<pipeline::FolderSink>(
      path, sidecar, pipeline::is_beneath(path, out) ? out : std::string(), output_access(config));
}

}  // namespace

pipeline::Sinks make_sinks(const Config& config) {
  using pipeline::SidecarKind;
  pipeline::Sinks sinks;
  sinks.route = make_folder_sink(config, config.routes.route, SidecarKind::decision);
  sinks.escalate = make_folder_sink(config, config.routes.escalate, SidecarKind::decision);
  sinks.review = make_folder_sink(config, config.routes.review, SidecarKind::decision);
  sinks.failed = make_folder_sink(config, config.routes.failed, SidecarKind::error);
  // Also while duplicates are kept: a row set aside under an earlier setting still finishes.
  if (config.duplicates == pipeline::DuplicatePolicy::skip) {
    sinks.duplicates = std::make_unique<pipeline::DiscardSink>();
  } else {
    sinks.duplicates = make_folder_sink(config, "{out}/_duplicates", SidecarKind::decision);
  }
  return sinks;
}

media::Limits normalizer_limits(const Config& config) {
  media::Limits limits = config.limits;
  if (config.model.backend == ModelBackend::gemini) {
    constexpr int k_gemini_max_side = 768;
    limits.image_max_side = std::min(limits.image_max_side, k_gemini_max_side);
    limits.audio_mp3 = true;
  }
  return limits;
}

Result<std::unique_ptr<pipeline::Normalizer>> make_normalizer(const Config& config) {
  const media::Limits limits = normalizer_limits(config);
  if (config.isolation == Isolation::none) {
    return std::make_unique<pipeline::InProcessNormalizer>(limits);
  }
  // Decoding runs in sandboxed `siftd worker` processes, so a hostile file costs one file, not
  // the daemon. Without them siftd refuses to run rather than quietly lose that promise.
  auto isolated = pipeline::IsolatedNormalizer::create(limits, config.workers);
  if (!isolated) {
    return fail(ErrorCode::workers,
                "the decoder workers failed to start: " + isolated.error().detail +
                    " (limits.isolation = \"none\" decodes inside siftd instead)");
  }
  return std::move(*isolated);
}

Result<std::unique_ptr<pipeline::Journal>> open_journal(const Config& config) {
  if (auto ok = pipeline::make_directories(config.work_area()); !ok) return fail(ok.error());
  auto journal = pipeline::Journal::open(config.journal_path(), config.journal_sync);
  if (!journal) return fail(journal.error());
  return std::move(*journal);
}

namespace {

// The webhook queues' HMAC key: routes.webhook_secret, else the environment or a credential.
Result<std::string> webhook_secret(const Config& config) {
  if (!config.routes.webhook_secret.empty()) return config.routes.webhook_secret;
  auto secret = pipeline::load_secret(
      {"SIFTD_WEBHOOK_SECRET", "SIFTD_WEBHOOK_SECRET_FILE", "webhook-secret", "webhook secret"});
  if (!secret) {
    return fail(ErrorCode::config, "a webhook queue is configured but " + secret.error().detail +
                                       " (or routes.webhook_secret)");
  }
  return std::move(*secret);
}

std::string mqtt_node(const Config& config) {
  if (!config.routes.mqtt_node.empty()) return config.routes.mqtt_node;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "siftd";
  std::string node = name;
  // A host name has no topic wildcard, but a '/' or '#' would make the status topic another.
  std::replace_if(
      node.begin(), node.end(), [](char c) { return c == '/' || c == '+' || c == '#'; }, '_');
  return node;
}

// Queues reached over the network are wrapped so that an outage is retried with backoff.
Result<std::shared_ptr<pipeline::QueuePublisher>> make_publisher(const Config& config,
                                                                 const std::string& queue) {
  if (queue.rfind("dir:", 0) == 0)
    return std::make_shared<pipeline::DirQueuePublisher>(queue.substr(4));
  const auto with_backoff = [](std::shared_ptr<pipeline::QueuePublisher> publisher) {
    return std::make_shared<pipeline::BackoffPublisher>(std::move(publisher),
                                                        std::make_shared<pipeline::SystemClock>());
  };
  // Each URL was validated with the configuration.
  if (queue.rfind("webhook:", 0) == 0) {
    auto secret = webhook_secret(config);
    if (!secret) return tl::unexpected(secret.error());
    return with_backoff(std::make_shared<pipeline::WebhookPublisher>(
        *pipeline::parse_webhook_url(queue), std::move(*secret)));
  }
  if (queue.rfind("mqtt://", 0) == 0) {
    return with_backoff(std::make_shared<pipeline::MqttPublisher>(*pipeline::parse_mqtt_url(queue),
                                                                  mqtt_node(config)));
  }
  auto address = pipeline::parse_redis_url(queue);
  return std::make_shared<pipeline::RedisStreamPublisher>(*address, config.routes.redis_maxlen);
}

// An MQTT connection is this siftd's presence at the broker (its status topic and last will):
// a reload keeps it rather than let the old one's goodbye follow the new one's hello.
std::shared_ptr<pipeline::QueuePublisher> kept_publisher(const Config& config,
                                                         const std::string& queue,
                                                         const Runtime* previous) {
  if (!previous || queue.rfind("mqtt://", 0) != 0) return nullptr;
  if (mqtt_node(previous->config) != mqtt_node(config)) return nullptr;
  const auto found = previous->publishers.find(queue);
  return found == previous->publishers.end() ? nullptr : found->second;
}

// Wraps each outcome's folder sink in a queue sink where a queue is configured.
Result<void> add_queues(const Config& config, pipeline::Outbox& outbox, const Runtime* previous,
                        Runtime& runtime) {
  const std::pair<const std::string*, std::unique_ptr<pipeline::Sink>*> outcomes[] = {
      {&config.routes.route_queue, &runtime.sinks->route},
      {&config.routes.escalate_queue, &runtime.sinks->escalate},
      {&config.routes.review_queue, &runtime.sinks->review},
      {&config.routes.failed_queue, &runtime.sinks->failed}};
  for (const auto& [queue, sink] : outcomes) {
    if (queue->empty()) continue;
    auto& publisher = runtime.publishers[*queue];
    if (!publisher) publisher = kept_publisher(config, *queue, previous);
    if (!publisher) {
      auto made = make_publisher(config, *queue);
      if (!made) return tl::unexpected(made.error());
      publisher = std::move(*made);
    }
    *sink = std::make_unique<pipeline::QueueSink>(std::move(*sink), *queue, publisher, outbox);
  }
  return {};
}

}  // namespace

Result<Engines> make_engines(const Config& config, pipeline::Metrics* metrics) {
  auto normalizer = make_normalizer(config);
  if (!normalizer) return tl::unexpected(normalizer.error());
  auto backend = make_backend(config, metrics);
  if (!backend) return tl::unexpected(backend.error());
  return Engines{std::move(*normalizer), std::move(*backend)};
}

Result<std::shared_ptr<const Runtime>> make_runtime(
    const Config& config, pipeline::Journal& journal, pipeline::Outbox* outbox,
    pipeline::Metrics* metrics, const EngineFactory& engines, const Runtime* previous) {
  auto runtime = std::make_shared<Runtime>();
  runtime->config = config;
  auto built = engines(config, metrics);
  if (!built) return tl::unexpected(built.error());
  runtime->normalizer = std::move(built->normalizer);
  runtime->backend = std::move(built->backend);
  runtime->sinks = std::make_unique<pipeline::Sinks>(make_sinks(config));
  if (outbox) {
    if (auto ok = add_queues(config, *outbox, previous, *runtime); !ok)
      return tl::unexpected(ok.error());
  }
  pipeline::JobSettings settings;
  settings.thresholds = config.thresholds;
  settings.max_attempts = config.max_attempts;
  settings.duplicates = config.duplicates;
  auto decisions = pipeline::DecisionLog::open(journal.path(), config.journal_sync);
  if (!decisions) return fail(decisions.error());
  runtime->decisions = std::move(*decisions);
  runtime->runner = std::make_unique<pipeline::JobRunner>(
      pipeline::JobPorts{journal, *runtime->normalizer, *runtime->backend, *runtime->sinks,
                         runtime->decisions.get()},
      settings);
  return std::shared_ptr<const Runtime>(std::move(runtime));
}

}  // namespace daemon_core

#pragma once
// Builds the pipeline's parts from a Config: journal, normalizer, backend, sinks, runner.
// Shared by `run`, `once` and `eval`, so every command decides the same way.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "daemon/config.h"
#include "daemon/error.h"
#include "pipeline/decide/backend.h"
#include "pipeline/job_runner.h"
#include "pipeline/journal/decision_log.h"
#include "pipeline/journal/journal.h"
#include "pipeline/metrics.h"
#include "pipeline/normalizer.h"
#include "pipeline/route/outbox.h"
#include "pipeline/route/queue_publisher.h"

namespace daemon_core {

// What a configuration reload may replace while the journal stays open. In-flight jobs keep
// the Runtime they started with (shared_ptr); new jobs take the newest.
struct Runtime {
  Config config;
  std::map<std::string, std::shared_ptr<pipeline::QueuePublisher>> publishers;  // by queue URL
  std::unique_ptr<pipeline::Normalizer> normalizer;
  std::unique_ptr<pipeline::Backend> backend;
  std::unique_ptr<pipeline::Sinks> sinks;
  std::unique_ptr<pipeline::DecisionLog> decisions;  // the journal's database, own connection
  std::unique_ptr<pipeline::JobRunner> runner;
};

// The two parts a configuration selects that do the heavy work: decoding and deciding.
struct Engines {
  std::unique_ptr<pipeline::Normalizer> normalizer;
  std::unique_ptr<pipeline::Backend> backend;
};
// Builds the Engines for a configuration. make_engines builds the real ones (decoder workers,
// the configured model); tests pass fakes through this port.
using EngineFactory =
    std::function<Result<Engines>(const Config& config, pipeline::Metrics* metrics)>;
Result<Engines> make_engines(const Config& config, pipeline::Metrics* metrics);

// Opens the journal, creating the work area it lives in.
Result<std::unique_ptr<pipeline::Journal>> open_journal(const Config& config);
// `outbox` may be null for commands that never route (then queues are not announced).
// `previous`, on a reload, is the runtime being replaced: its MQTT connections are kept.
Result<std::shared_ptr<const Runtime>> make_runtime(const Config& config,
                                                    pipeline::Journal& journal,
                                                    pipeline::Outbox* outbox,
                                                    pipeline::Metrics* metrics = nullptr,
                                                    const EngineFactory& engines = make_engines,
                                                    const Runtime* previous = nullptr);

pipeline::Sinks make_sinks(const Config& config);
// The media limits as the configured backend is best served: Gemini's native API bills an image
// at MEDIA_RESOLUTION_LOW the same whatever its size past 768 px, and takes mp3, so larger
// images and wav audio would only cost upload bytes.
media::Limits normalizer_limits(const Config& config);
// Worker processes, or (limits.isolation = "none") the decoders in this process; an error
// when the workers cannot start.
Result<std::unique_ptr<pipeline::Normalizer>> make_normalizer(const Config& config);

}  // namespace daemon_core

#include "daemon/service.h"

#include <csignal>
#include <filesystem>

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "daemon/backend_factory.h"
#include "daemon/signals.h"
#include "daemon/temp_names.h"
#include "pipeline/display_text.h"
#include "pipeline/route/placement.h"

namespace daemon_core {
namespace {

using nlohmann::json;
using pipeline::printable;

constexpr auto k_park_retry = std::chrono::seconds(60);
// A placement waiting for room is tried again sooner: room comes back when someone deletes.
constexpr auto k_room_retry = std::chrono::seconds(5);

std::vector<std::string> disk_space_folders(const Config& config) {
  std::vector<std::string> folders = config.destination_roots();
  folders.push_back(config.work_area());
  return folders;
}

}  // namespace

Service::Service(Config config, ServicePorts ports, std::unique_ptr<pipeline::Journal> journal,
                 std::shared_ptr<const Runtime> runtime, media::UniqueFd signals)
    : m_config(std::move(config)),
      m_clock(ports.clock),
      m_journal(std::move(journal)),
      m_runtime(std::move(runtime)),
      m_signals(std::move(signals)),
      m_reload_source(std::move(ports.reload_source)),
      m_lock(ports.lock),
      m_engines(std::move(ports.engines)),
      m_queue(static_cast<std::size_t>(m_config.workers) * 4),
      m_disk_space(disk_space_folders(m_config),
                   static_cast<std::uint64_t>(m_config.min_free_mb) << 20, m_clock),
      m_work_areas(m_config, *m_journal),
      m_retention(m_clock),
      m_model_state(m_config.work_area()) {}

Service::~Service() {
  shutdown();
}

Result<std::unique_ptr<Service>> Service::create(Config config, ServicePorts ports) {
  auto journal = open_journal(config);
  if (!journal) return tl::unexpected(journal.error());
  auto outbox = pipeline::Outbox::open(config.journal_path());
  if (!outbox) return fail(outbox.error());
  auto metrics = std::make_shared<pipeline::Metrics>();
  auto runtime = make_runtime(config, **journal, outbox->get(), metrics.get(), ports.engines);
  if (!runtime) return tl::unexpected(runtime.error());
  auto service =
      std::unique_ptr<Service>(new Service(std::move(config), std::move(ports), std::move(*journal),
                                           std::move(*runtime), open_signal_fd()));
  service->m_outbox = std::move(*outbox);
  service->m_metrics = std::move(metrics);
  service->describe_metrics();
  return service;
}

void Service::describe_metrics() {
  using pipeline::MetricType;
  m_metrics->describe("siftd_files_total", MetricType::counter,
                      "Files finished, by outcome and kind.");
  m_metrics->describe("siftd_quarantined_total", MetricType::counter,
                      "Files quarantined, by stage.");
  m_metrics->describe(
      "siftd_tokens_total", MetricType::counter,
      "Prompt tokens the normalized parts cost (estimate) and the naive tokens, by kind.");
  m_metrics->describe("siftd_model_tokens_total", MetricType::counter,
                      "Tokens the model reported, by model and type (prompt, cached, completion).");
  m_metrics->describe("siftd_cost_usd_total", MetricType::counter, "Model spend in USD, by model.");
  m_metrics->describe("siftd_stage_duration_seconds", MetricType::histogram,
                      "Time per pipeline stage (normalize, decide, route), in seconds.");
  m_metrics->describe("siftd_model_request_duration_seconds", MetricType::histogram,
                      "Time from sending a model request to its full response, by model.");
  m_metrics->describe("siftd_parked_total", MetricType::counter,
                      "Files put off (a decision, or a placement waiting for room), by reason.");
  m_metrics->describe("siftd_queue_depth", MetricType::gauge,
                      "Files ready and waiting for a worker.");
  m_metrics->describe("siftd_in_flight", MetricType::gauge, "Files a worker is processing.");
  m_metrics->describe("siftd_settling", MetricType::gauge, "Files seen but not yet complete.");
  m_metrics->describe("siftd_reloads_total", MetricType::counter,
                      "Configuration reloads, by result.");
  m_metrics->describe("siftd_cache_hits_total", MetricType::counter,
                      "Decisions answered from the result cache, with no request sent.");
  m_metrics->describe("siftd_model_requests_total", MetricType::counter,
                      "HTTP requests sent to the model, retries and repairs included, by model.");
  m_metrics->describe(
      "siftd_model_retries_total", MetricType::counter,
      "Requests sent again after a transient failure (429, 5xx, timeout), by model.");
  m_metrics->describe("siftd_escalations_total", MetricType::counter,
                      "Files the first model was unsure of and a stronger one answered.");
  m_metrics->describe("siftd_fallbacks_total", MetricType::counter,
                      "Decisions a fallback made because the model could not, by reason.");
  m_metrics->describe(
      "siftd_model_responses_total", MetricType::counter,
      "Model HTTP responses by status code (or timeout, network, cancelled), by model.");
  m_metrics->describe("siftd_model_in_flight", MetricType::gauge,
                      "Model requests on the wire, by model.");
  m_metrics->describe("siftd_model_circuit_open", MetricType::gauge,
                      "1 while the circuit breaker keeps requests from the model, by model.");
  m_metrics->describe("siftd_outbox_pending", MetricType::gauge,
                      "Queue messages recorded but not yet published.");
  m_metrics->describe("siftd_rescans_total", MetricType::counter,
                      "Full rescans of the inbox, by reason.");
  m_metrics->describe("siftd_journal_history_lost", MetricType::gauge,
                      "1 when the journal lost rows it once had (why: the log and /status).");
}

std::shared_ptr<const Runtime> Service::runtime() const {
  std::lock_guard lock(m_runtime_mutex);
  return m_runtime;
}

Result<void> Service::watch_folders() {
  auto folders = WatchedFolders::create(m_config.folders(), m_clock);
  if (!folders) return tl::unexpected(folders.error());
  m_folders = std::move(*folders);
  m_watching = true;
  return {};
}

// Before any file is asked: a refused key or an unknown model is the configuration's fault,
// found now rather than answered by the fallback for every file; an endpoint that is down or
// busy is not, so the daemon starts degraded and the fallback answers until the model does.
Result<void> Service::probe_model() {
  if (!m_config.model.probe_at_start) return {};
  auto probed = probe_backend(*runtime()->backend);
  if (probed) return {};
  if (probed.error().code == ErrorCode::config)
    return fail(ErrorCode::config, "model check: " + probed.error().detail);
  spdlog::warn(
      "model check at start failed; starting degraded, files go as model.fallback says until "
      "the model answers: {}",
      probed.error().detail);
  return {};
}

Result<void> Service::start() {
  m_started_ms = pipeline::now_ms();
  if (auto probed = probe_model(); !probed) return probed;
  for (int i = 0; i < m_config.workers; ++i) m_workers.emplace_back([this] { worker_loop(); });

  // Resume first: these files were claimed before a stop or a crash.
  auto unfinished = m_journal->unfinished();
  if (!unfinished) return fail(unfinished.error());
  // Before the watch starts, so its first scan finds what went back into the inbox.
  m_history_lost = m_work_areas.adopt_strays(*unfinished);
  m_metrics->set("siftd_journal_history_lost", {}, m_history_lost.empty() ? 0.0 : 1.0);
  auto current = runtime();
  for (auto& row : *unfinished) {
    auto resumed = current->runner->resume(std::move(row));
    if (resumed) m_backlog.push_back(Job{"", "", std::move(*resumed)});
  }
  if (!m_backlog.empty())
    spdlog::info("resuming {} unfinished files from the journal", m_backlog.size());

  if (auto ok = watch_folders(); !ok) return ok;
  feed_queue();
  m_started = true;
  m_notifier.ready("watching " + m_folders->describe());
  spdlog::info("siftd {} watching {} -> {} with the {} backend ({} workers)", SIFTD_VERSION,
               m_folders->describe(), m_config.expand(m_config.routes.route),
               current->backend->name(), m_config.workers);
  return {};
}

void Service::offer(const ReadyFile& file) {
  {
    std::lock_guard lock(m_claim_mutex);
    if (!m_claiming.insert(file.path).second) return;  // already queued or being claimed
  }
  m_backlog.push_back(Job{file.path, file.work_area, std::nullopt});
}

void Service::feed_queue() {
  if (!m_disk_space.allows_intake()) return;  // files wait where they are
  while (!m_backlog.empty()) {
    if (!m_queue.try_push(m_backlog.front())) return;
    m_backlog.pop_front();
  }
}

void Service::requeue_parked() {
  std::lock_guard lock(m_parked_mutex);
  const auto now = m_clock.now();
  // Retry times differ by reason, so the queue is not in due order.
  for (auto it = m_parked.begin(); it != m_parked.end();) {
    if (it->first > now) {
      ++it;
      continue;
    }
    m_backlog.push_back(Job{"", "", std::move(it->second)});
    it = m_parked.erase(it);
  }
}

void Service::flush_outbox() {
  // Messages a queue could not take at delivery time (it was down): retried every few seconds.
  if (m_clock.now() - m_last_flush < std::chrono::seconds(2)) return;
  m_last_flush = m_clock.now();
  const std::size_t left = m_outbox->flush(runtime()->publishers);
  m_metrics->set("siftd_outbox_pending", {}, static_cast<double>(left));
}

void Service::release(const std::string& source) {
  std::lock_guard lock(m_claim_mutex);
  m_claiming.erase(source);
}

void Service::step(std::chrono::milliseconds max_wait) {
  auto wait = std::min(max_wait, m_folders->next_check());
  if (!m_backlog.empty()) wait = std::min(wait, std::chrono::milliseconds(50));
  // A negative descriptor is ignored by poll(): every folder may be polled by scans.
  pollfd fds[2] = {{m_signals.get(), POLLIN, 0}, {m_folders->fd(), POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(wait.count()));
  if (ready > 0 && (fds[0].revents & POLLIN)) {
    while (auto signal = read_signal(m_signals.get())) handle_signal(*signal);
  }
  if (ready > 0 && (fds[1].revents & POLLIN)) m_folders->handle_events();

  if (!m_stopping) check_work_areas();
  if (!m_stopping) {
    const std::size_t rescans = m_folders->rescans();
    m_folders->scan_due();
    if (m_folders->rescans() != rescans)
      m_metrics->add("siftd_rescans_total", {}, double(m_folders->rescans() - rescans));
    for (const auto& file : m_folders->take_ready()) offer(file);
    requeue_parked();
    feed_queue();
    flush_outbox();
    m_retention.step(m_config.retain_days, *m_journal, runtime()->decisions.get());
  }
  m_notifier.ping_watchdog();
  update_status();
}

// Before any file is offered, so none is claimed into a work area that is gone, or journaled
// into a journal that is gone.
void Service::check_work_areas() {
  auto failure = m_work_areas.check();
  if (!failure) return;
  spdlog::error("{}", *failure);
  {
    std::lock_guard lock(m_failure_mutex);
    m_failure = *failure;
  }
  m_stopping = true;
}

std::string Service::failure() const {
  std::lock_guard lock(m_failure_mutex);
  return m_failure;
}

void Service::update_status() {
  const auto& backend = runtime()->backend;
  m_model_state.publish(backend->held_back(), backend->degraded());
  m_metrics->set("siftd_queue_depth", {}, static_cast<double>(m_queue.size() + m_backlog.size()));
  m_metrics->set("siftd_in_flight", {}, static_cast<double>(m_busy.load()));
  m_metrics->set("siftd_settling", {}, static_cast<double>(m_folders->settling()));
  const std::string text = std::to_string(m_done.load()) + " done, " +
                           std::to_string(m_quarantined.load()) + " quarantined, " +
                           std::to_string(m_busy.load()) + " in flight, " +
                           std::to_string(m_folders->settling()) + " settling";
  // At most once a second, and only when something changed.
  if (text == m_last_status_text || m_clock.now() - m_last_status < std::chrono::seconds(1)) return;
  m_last_status = m_clock.now();
  m_last_status_text = text;
  m_notifier.status(text);
}

void Service::handle_signal(int signal) {
  if (signal == SIGTERM || signal == SIGINT) {
    spdlog::info("received {}; stopping intake", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    m_stopping = true;
  } else if (signal == SIGHUP) {
    reload();
  }
}

bool Service::reload() {
  if (!m_reload_source) {
    spdlog::warn("SIGHUP: this process has no configuration file to re-read");
    return false;
  }
  m_notifier.reloading();
  const auto refuse = [this](const std::string& why) {
    spdlog::error("reload refused, the running configuration stays in force: {}", why);
    m_metrics->add("siftd_reloads_total", {{"result", "refused"}});
    m_notifier.ready(m_last_status_text);
    return false;
  };
  auto config = m_reload_source();
  if (!config) return refuse(config.error().detail);
  if (config->journal_path() != m_config.journal_path() || config->workers != m_config.workers) {
    spdlog::warn(
        "reload: daemon.journal, daemon.work_dir and daemon.workers take effect at the next start");
  }
  config->workers = m_config.workers;
  config->journal = m_config.journal;
  config->work_dir = m_config.work_dir;
  auto fresh = make_runtime(*config, *m_journal, m_outbox.get(), m_metrics.get(), m_engines,
                            runtime().get());
  if (!fresh) return refuse(fresh.error().detail);
  // New folders are this daemon's only once it holds their lock (another may run on them).
  if (m_lock) {
    if (auto locked = m_lock->cover(*config); !locked) return refuse(locked.error().detail);
  }
  {
    std::lock_guard lock(m_runtime_mutex);
    m_runtime = std::move(*fresh);
  }
  m_config = std::move(*config);
  m_disk_space = DiskSpaceGuard(disk_space_folders(m_config),
                                static_cast<std::uint64_t>(m_config.min_free_mb) << 20, m_clock);
  // New watches for the (maybe changed) folders; a rescan picks up what the old settlers held.
  if (auto ok = watch_folders(); !ok)
    spdlog::error("reload: cannot watch the folders: {}", ok.error().detail);
  m_metrics->add("siftd_reloads_total", {{"result", "applied"}});
  spdlog::info("configuration reloaded: watching {} with the {} backend", m_folders->describe(),
               runtime()->backend->name());
  m_notifier.ready(m_last_status_text);
  return true;
}

void Service::run() {
  const auto wait = m_notifier.max_wait(std::chrono::milliseconds(1000));
  while (!m_stopping) step(wait);
}

std::size_t Service::shutdown() {
  if (m_workers.empty()) return 0;
  m_stopping = true;
  m_notifier.stopping();
  // Queued files were never claimed: they stay in the inbox for the next start.
  m_queue.close();
  m_backlog.clear();
  // Half the shutdown time to finish what is in flight; then decisions still waiting on the
  // network or on a retry are cancelled (they stay `normalized` and resume at the next start),
  // and the rest of the time lets the workers wind down.
  // The waits are on the service's clock, so a test runs them on a fake one.
  const auto start = m_clock.now();
  const auto timeout = std::chrono::seconds(m_config.shutdown_timeout_s);
  auto wait_until = [&](pipeline::Clock::time_point deadline) {
    while (m_busy.load() > 0 && m_clock.now() < deadline) {
      if (!m_clock.sleep_for(std::chrono::milliseconds(20))) return;  // interrupted
    }
  };
  wait_until(start + timeout / 2);
  if (m_busy.load() > 0) {
    spdlog::info("cancelling {} decisions still waiting; they resume at the next start",
                 m_busy.load());
    runtime()->backend->cancel();
  }
  wait_until(start + timeout);
  const std::size_t parked = m_busy.load();
  if (parked > 0) {
    // Their journal rows hold their last durable stage; the next start resumes them.
    spdlog::warn("parking {} files still in flight after {} s; they resume at the next start",
                 parked, m_config.shutdown_timeout_s);
    for (auto& worker : m_workers) worker.detach();
  } else {
    for (auto& worker : m_workers) worker.join();
  }
  m_workers.clear();
  spdlog::info("stopped: {} done, {} quarantined", m_done.load(), m_quarantined.load());
  return parked;
}

void Service::worker_loop() {
  while (auto job = m_queue.pop()) {
    ++m_busy;
    // JobRunner::run quarantines what a job throws; this barrier catches the rest (a claim,
    // the metrics), so that neither the thread nor the daemon ends.
    try {
      const auto current = runtime();  // a reload never changes a job halfway
      std::optional<pipeline::FileRecord> row = std::move(job->resumed);
      if (!row) {
        auto claimed = current->runner->claim(job->source, job->work_area);
        release(job->source);
        if (!claimed)
          spdlog::error("cannot claim \"{}\": {}", printable(job->source), claimed.error().detail);
        if (claimed && *claimed) row = std::move(**claimed);
      }
      if (row) record(current->runner->run(std::move(*row)));
    } catch (const std::exception& e) {
      release(job->source);
      spdlog::error("\"{}\" left for the next scan: {}", printable(job->source),
                    printable(e.what()));
    } catch (...) {
      release(job->source);
      spdlog::error("\"{}\" left for the next scan after an exception", printable(job->source));
    }
    --m_busy;
  }
}

void Service::record(const pipeline::JobReport& report) {
  const auto& r = report.record;
  const std::string kind = pipeline::kind_name(r);
  // The journal and the decision log keep milliseconds; Prometheus wants seconds.
  m_metrics->observe("siftd_stage_duration_seconds", {{"stage", "normalize"}},
                     report.timings.normalize_ms / 1000);
  if (report.timings.decide_ms > 0) {
    m_metrics->observe("siftd_stage_duration_seconds", {{"stage", "decide"}},
                       report.timings.decide_ms / 1000);
  }
  if (report.route_ms > 0)
    m_metrics->observe("siftd_stage_duration_seconds", {{"stage", "route"}},
                       report.route_ms / 1000);
  if (report.answer) record_answer(*report.answer);
  if (!report.parked.empty()) {
    m_metrics->add("siftd_parked_total", {{"reason", report.parked}});
    if (report.parked != "cancelled") {
      // Room and an identical file's answer come soon; quotas and budgets do not.
      const bool soon = report.parked == "no_space" || report.parked == "same_content";
      const auto retry = soon ? k_room_retry : k_park_retry;
      spdlog::warn("file={} put off ({}); retrying in {} s", r.id, report.parked, retry.count());
      std::lock_guard lock(m_parked_mutex);
      m_parked.emplace_back(m_clock.now() + retry, r);
    }
    return;
  }
  if (r.state == pipeline::FileState::quarantined) {
    const std::string stage = r.error ? std::string(pipeline::to_string(r.error->stage)) : "";
    m_metrics->add("siftd_quarantined_total", {{"stage", stage}});
    ++m_quarantined;
    m_metrics->add("siftd_files_total", {{"outcome", "quarantined"}, {"kind", kind}});
    return;  // the runner logged why
  }
  if (r.state != pipeline::FileState::done) return;
  if (r.outcome == pipeline::Outcome::duplicate) {
    ++m_done;
    m_metrics->add("siftd_files_total", {{"outcome", "duplicate"}, {"kind", kind}});
    return;  // the runner logged it; nothing was sent
  }
  m_metrics->add("siftd_tokens_total", {{"kind", kind}, {"type", "estimate"}}, r.token_estimate);
  m_metrics->add("siftd_tokens_total", {{"kind", kind}, {"type", "naive"}}, r.naive_tokens);
  const pipeline::Answer* answer = report.answer ? &*report.answer : nullptr;
  if (answer && !answer->model.empty()) {
    const auto& usage = answer->usage;
    m_metrics->add("siftd_model_tokens_total", {{"model", answer->model}, {"type", "prompt"}},
                   usage.prompt_tokens);
    m_metrics->add("siftd_model_tokens_total", {{"model", answer->model}, {"type", "cached"}},
                   usage.cached_tokens);
    m_metrics->add("siftd_model_tokens_total", {{"model", answer->model}, {"type", "completion"}},
                   usage.completion_tokens);
    m_metrics->add("siftd_cost_usd_total", {{"model", answer->model}}, usage.cost_usd);
  }
  // Counted last, so a scrape that sees the file counted sees everything else about it.
  ++m_done;
  const std::string outcome = r.outcome ? std::string(pipeline::to_string(*r.outcome)) : "";
  m_metrics->add("siftd_files_total", {{"outcome", outcome}, {"kind", kind}});
  spdlog::info(
      "file={} \"{}\" {} -> {} {:.2f} {} at \"{}\" tokens={} (naive {}) {} {:.0f}+{:.0f}+{:.0f} ms",
      r.id, printable(r.name), kind, r.decision ? printable(r.decision->category) : "?",
      r.decision ? r.decision->confidence : 0.0, outcome, printable(r.destination),
      r.token_estimate, r.naive_tokens, answer ? answer->backend : "", report.timings.normalize_ms,
      report.timings.decide_ms, report.route_ms);
}

void Service::record_answer(const pipeline::Answer& answer) {
  if (answer.backend == "cache") {
    m_metrics->add("siftd_cache_hits_total");
    return;
  }
  // Requests, retries and fallbacks are counted by the model stack as they happen.
  if (answer.tiers.size() > 1)
    m_metrics->add("siftd_escalations_total", {{"model", answer.tiers.back().model}});
}

std::string Service::status_json() const {
  auto counts = m_journal->count_by_state();
  json states = json::object();
  if (counts) {
    for (const auto& [state, count] : *counts) states[state] = count;
  }
  const auto current = runtime();
  const std::string held = current->backend->held_back();
  const std::string degraded = current->backend->degraded();
  return json{{"version", SIFTD_VERSION},
              {"watching", m_folders ? m_folders->describe() : ""},
              {"backend", current->backend->name()},
              {"started_ms", m_started_ms},
              {"ready", m_started.load() && !m_stopping.load()},
              {"done", m_done.load()},
              {"quarantined", m_quarantined.load()},
              {"in_flight", m_busy.load()},
              {"queue_depth", m_queue.size()},
              {"model_paused", held.empty() ? json(nullptr) : json(held)},
              {"model_degraded", degraded.empty() ? json(nullptr) : json(degraded)},
              {"journal_history_lost",
               m_started.load() && !m_history_lost.empty() ? json(m_history_lost) : json(nullptr)},
              {"journal", states}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

bool Service::is_ready(std::string& why) const {
  if (!m_started) {
    why = "starting";
    return false;
  }
  if (m_stopping) {
    why = failure();
    if (why.empty()) why = "stopping";
    return false;
  }
  if (!m_watching) {
    why = "the inbox is not watched";
    return false;
  }
  if (!m_journal->count_by_state()) {
    why = "journal unreadable";
    return false;
  }
  if (auto held = runtime()->backend->held_back(); !held.empty()) {
    why = "model requests paused: " + held;
    return false;
  }
  if (auto degraded = runtime()->backend->degraded(); !degraded.empty()) {
    why = "model degraded: " + degraded;
    return false;
  }
  why = "ready";
  return true;
}

}  // namespace daemon_core

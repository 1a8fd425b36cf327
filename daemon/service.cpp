#include "daemon/service.h"

#include <csignal>
#include <filesystem>

#include <poll.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "daemon/signals.h"
#include "pipeline/placement.h"
#include "daemon/temp_names.h"

namespace daemon_core {
namespace {

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string printable(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  return out;
}

std::string category_of(const std::string& decision_json) {
  const auto decision = nlohmann::json::parse(decision_json, nullptr, false);
  if (!decision.is_object()) return "";
  return decision.value("category", "") + " " + std::to_string(decision.value("confidence", 0.0)).substr(0, 4);
}

}  // namespace

Service::Service(Config config, const Clock& clock, PipelineParts parts, InotifyWatcher watcher,
                 UniqueFd signals)
    : m_config(std::move(config)),
      m_clock(clock),
      m_parts(std::move(parts)),
      m_watcher(std::move(watcher)),
      m_signals(std::move(signals)),
      m_settler(clock, std::chrono::milliseconds(m_config.settle_ms)),
      m_queue(static_cast<std::size_t>(m_config.workers) * 4),
      m_work_area(m_config.work_area()) {}

Service::~Service() { shutdown(); }

tl::expected<std::unique_ptr<Service>, std::string> Service::create(Config config, const Clock& clock) {
  auto parts = assemble(config);
  if (!parts) return tl::unexpected(parts.error());
  const std::string work_area = config.work_area();
  auto watcher = InotifyWatcher::create([work_area](const std::string& folder) {
    return folder == work_area || base_name(folder).front() == '.';
  });
  if (!watcher) return tl::unexpected(watcher.error());
  UniqueFd signals = open_signal_fd();
  return std::unique_ptr<Service>(
      new Service(std::move(config), clock, std::move(*parts), std::move(*watcher), std::move(signals)));
}

bool Service::is_excluded_folder(const std::string& folder) const {
  return folder == m_work_area || base_name(folder).front() == '.';
}

tl::expected<void, std::string> Service::start() {
  const std::string inbox = std::filesystem::absolute(m_config.inbox).lexically_normal().string();
  if (auto ok = pipeline::make_directories(inbox); !ok) return tl::unexpected(ok.error().detail);

  for (int i = 0; i < m_config.workers; ++i) m_workers.emplace_back([this] { worker_loop(); });

  // Resume first: these files were claimed before a stop or a crash.
  auto unfinished = m_parts.journal->unfinished();
  if (!unfinished) return tl::unexpected(unfinished.error().detail);
  for (auto& record : *unfinished) {
    auto resumed = m_parts.runner->resume(std::move(record));
    if (resumed) m_backlog.push_back(Job{"", std::move(*resumed)});
  }
  if (!m_backlog.empty()) spdlog::info("resuming {} unfinished files from the journal", m_backlog.size());

  if (auto ok = m_watcher.watch_tree(inbox); !ok) return ok;
  scan(inbox);
  m_last_rescan = m_clock.now();
  feed_queue();
  m_notifier.ready("watching " + inbox);
  spdlog::info("siftd {} watching {} -> {} with the {} backend ({} workers)", SIFTD_VERSION, inbox,
               m_config.expand(m_config.routes.route), m_parts.backend->name(), m_config.workers);
  return {};
}

void Service::scan(const std::string& root) {
  scan_tree(
      root, [this](const std::string& folder) { return is_excluded_folder(folder); },
      [this](const std::string& file) {
        if (!is_temporary_name(base_name(file))) m_settler.changed(file);
      },
      [](const std::string& path, const char* why) {
        spdlog::info("skipping \"{}\": {}", printable(path), why);
      });
}

void Service::handle_events(const std::vector<WatchEvent>& events) {
  using Type = WatchEvent::Type;
  for (const auto& event : events) {
    if (event.type == Type::overflow) {
      spdlog::warn("the inotify queue overflowed; rescanning the inbox");
      scan(std::filesystem::absolute(m_config.inbox).lexically_normal().string());
      continue;
    }
    if (event.type == Type::folder_added) {
      scan(event.path);
      continue;
    }
    if (is_temporary_name(base_name(event.path))) continue;
    switch (event.type) {
      case Type::opened: m_settler.opened_for_writing(event.path); break;
      case Type::closed_write:
      case Type::closed_read: m_settler.closed_after_writing(event.path); break;
      case Type::changed: m_settler.changed(event.path); break;
      case Type::moved_in: m_settler.moved_in(event.path); break;
      case Type::removed: m_settler.removed(event.path); break;
      default: break;
    }
  }
}

void Service::offer(const std::string& path) {
  {
    std::lock_guard lock(m_claim_mutex);
    if (!m_claiming.insert(path).second) return;  // already queued or being claimed
  }
  m_backlog.push_back(Job{path, std::nullopt});
}

void Service::feed_queue() {
  while (!m_backlog.empty()) {
    if (!m_queue.try_push(m_backlog.front())) return;  // full: files wait where they are
    m_backlog.pop_front();
  }
}

void Service::release(const std::string& source) {
  std::lock_guard lock(m_claim_mutex);
  m_claiming.erase(source);
}

void Service::step(std::chrono::milliseconds max_wait) {
  auto wait = std::min(max_wait, m_settler.next_check());
  if (!m_backlog.empty()) wait = std::min(wait, std::chrono::milliseconds(50));
  pollfd fds[2] = {{m_watcher.fd(), POLLIN, 0}, {m_signals.get(), POLLIN, 0}};
  const int ready = ::poll(fds, m_signals ? 2 : 1, static_cast<int>(wait.count()));
  if (ready > 0 && (fds[1].revents & POLLIN)) {
    while (auto signal = read_signal(m_signals.get())) handle_signal(*signal);
  }
  if (ready > 0 && (fds[0].revents & POLLIN)) handle_events(m_watcher.drain());

  if (!m_stopping) {
    for (const auto& path : m_settler.take_ready()) offer(path);
    if (m_config.rescan_s > 0 && m_clock.now() - m_last_rescan >= std::chrono::seconds(m_config.rescan_s)) {
      scan(std::filesystem::absolute(m_config.inbox).lexically_normal().string());
      m_last_rescan = m_clock.now();
    }
    feed_queue();
  }
  m_notifier.ping_watchdog();
  if (m_clock.now() - m_last_status >= std::chrono::seconds(5)) {
    m_last_status = m_clock.now();
    m_notifier.status(std::to_string(m_counters.done.load()) + " done, " +
                      std::to_string(m_counters.quarantined.load()) + " quarantined, " +
                      std::to_string(m_busy.load()) + " in flight, " +
                      std::to_string(m_settler.pending()) + " settling");
  }
}

void Service::handle_signal(int signal) {
  if (signal == SIGTERM || signal == SIGINT) {
    spdlog::info("received {}; stopping intake", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    m_stopping = true;
  } else if (signal == SIGHUP) {
    spdlog::info("received SIGHUP");
  }
}

void Service::run() {
  while (!m_stopping) step(std::chrono::milliseconds(1000));
}

std::size_t Service::shutdown() {
  if (m_workers.empty()) return 0;
  m_stopping = true;
  m_notifier.stopping();
  // Queued files were never claimed: they stay in the inbox for the next start.
  m_queue.close();
  m_backlog.clear();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(m_config.shutdown_timeout_s);
  while (m_busy.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
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
  spdlog::info("stopped: {} done, {} quarantined", m_counters.done.load(), m_counters.quarantined.load());
  return parked;
}

void Service::worker_loop() {
  while (auto job = m_queue.pop()) {
    ++m_busy;
    std::optional<pipeline::FileRecord> record = std::move(job->resumed);
    if (!record) {
      auto claimed = m_parts.runner->claim(job->source, m_work_area);
      release(job->source);
      if (!claimed) spdlog::error("cannot claim \"{}\": {}", printable(job->source), claimed.error().detail);
      if (claimed && *claimed) record = std::move(**claimed);
    }
    if (record) log_report(m_parts.runner->run(std::move(*record)));
    --m_busy;
  }
}

void Service::log_report(const pipeline::JobReport& report) {
  const auto& r = report.record;
  if (r.state == pipeline::FileState::quarantined) {
    ++m_counters.quarantined;
    return;  // the runner logged why
  }
  if (r.state != pipeline::FileState::done) return;
  ++m_counters.done;
  spdlog::info("file={} \"{}\" {} -> {} {} at \"{}\" tokens={} (naive {}) {} {:.0f}+{:.0f}+{:.0f} ms", r.id,
               printable(r.name), r.kind, category_of(r.decision_json), r.outcome,
               printable(r.destination), r.token_estimate, r.naive_tokens, report.backend,
               report.normalize_ms, report.decide_ms, report.route_ms);
}

}  // namespace daemon_core

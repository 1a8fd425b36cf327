// The service loop built from its ports: a FakeClock for time, fake engines for decoding and
// deciding, and the real inbox, journal, workers and folder sinks. The test drives step()
// itself, so settling, parking and shutdown run on fake time, with real worker threads (the
// tsan test preset runs these under ThreadSanitizer).
#include "daemon/service.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/fakes/fake_backend.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_normalizer.h"
#include "tests/temp_dir.h"
#include "tests/wait_for.h"

namespace {

namespace fs = std::filesystem;
using daemon_core::Config;
using daemon_core::Service;
using namespace std::chrono_literals;

// A backend that holds every decision until the test opens it, or until cancel() (as a
// shutdown does), which fails the waiting decisions with `cancelled`.
class GatedBackend final : public pipeline::Backend {
 public:
  std::string_view name() const override { return "gated"; }

  pipeline::Result<pipeline::Answer> decide(const media::Normalized&,
                                            const pipeline::DecideContext&) override {
    std::unique_lock lock(m_mutex);
    ++waiting;
    m_changed.notify_all();
    // Bounded, so a broken service cannot hang the suite: 60 s is far beyond any test here.
    m_changed.wait_for(lock, 60s, [&] { return m_open || m_cancelled; });
    --waiting;
    if (m_cancelled) return pipeline::fail(pipeline::ErrorCode::cancelled, "shutting down");
    return fakes::photo_answer();
  }
  void cancel() override {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    ++cancels;
    m_changed.notify_all();
  }
  void open() {
    std::lock_guard lock(m_mutex);
    m_open = true;
    m_changed.notify_all();
  }
  int waiting_now() {
    std::lock_guard lock(m_mutex);
    return waiting;
  }
  bool was_cancelled() {
    std::lock_guard lock(m_mutex);
    return cancels > 0;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_open = false;
  bool m_cancelled = false;
  int waiting = 0;
  int cancels = 0;
};

class ServiceTest : public ::testing::Test {
 protected:
  Config config() const {
    Config c;
    c.inbox = m_dir / "inbox";
    c.out = m_dir / "out";
    c.workers = 1;
    c.settle_ms = 1000;
    c.min_free_mb = 0;
    c.shutdown_timeout_s = 20;
    return c;
  }

  // A shutdown waits on the service's clock; each fake 20 ms wait costs 1 real ms, so a worker
  // finishing its last file has a real second or so (the whole timeout) to do it.
  void SetUp() override {
    m_clock.on_sleep([] { std::this_thread::sleep_for(1ms); });
  }

  // The engines port: a FakeNormalizer and whatever backend the test chose, counted.
  daemon_core::EngineFactory engines() {
    return [this](const Config&, pipeline::Metrics*) -> daemon_core::Result<daemon_core::Engines> {
      ++m_engines_built;
      return daemon_core::Engines{std::make_unique<fakes::FakeNormalizer>(), m_next_backend()};
    };
  }

  std::unique_ptr<Service> start(Config c, daemon_core::ConfigSource reload = {}) {
    fs::create_directories(c.inbox);
    auto service = Service::create(std::move(c), {m_clock, std::move(reload), engines()});
    EXPECT_TRUE(service) << (service ? "" : service.error().detail);
    if (!service) return nullptr;
    auto ok = (*service)->start();
    EXPECT_TRUE(ok) << (ok ? "" : ok.error().detail);
    return std::move(*service);
  }

  // Runs the loop on fake time until `done` holds: each round moves the clock past a settle
  // period's slice and polls briefly. Bounded in real time by wait_for.
  bool drive(Service& service, const std::function<bool()>& done) {
    return siftd_test::wait_for([&] {
      m_clock.advance(250ms);
      service.step(5ms);
      return done();
    });
  }

  void drop(const std::string& name) {
    // Written beside the inbox and renamed in, as a finished upload arrives.
    const std::string staged = m_dir / ("staged-" + name);
    siftd_test::write_file(staged, "not really a " + name);
    fs::rename(staged, m_dir / ("inbox/" + name));
  }

  std::size_t files_in(const std::string& folder) const {
    std::size_t count = 0;
    std::error_code missing;
    for (const auto& entry : fs::directory_iterator(folder, missing))
      count += entry.is_regular_file() ? 1 : 0;
    return count;
  }

  // The engines built next hold their decisions at a GatedBackend, reachable as m_gate.
  void gate_the_model() {
    m_next_backend = [this] {
      auto backend = std::make_unique<GatedBackend>();
      m_gate = backend.get();
      return backend;
    };
  }

  siftd_test::TempDir m_dir;
  fakes::FakeClock m_clock;
  GatedBackend* m_gate = nullptr;
  int m_engines_built = 0;
  std::function<std::unique_ptr<pipeline::Backend>()> m_next_backend = [] {
    return std::make_unique<fakes::FakeBackend>();
  };
};

TEST_F(ServiceTest, a_settled_file_is_claimed_decided_and_placed_once) {
  auto service = start(config());
  ASSERT_TRUE(service);
  drop("a.jpg");
  ASSERT_TRUE(drive(*service, [&] { return fs::exists(m_dir / "out/photo/a.jpg"); }));
  EXPECT_EQ(service->shutdown(), 0u);
  EXPECT_FALSE(fs::exists(m_dir / "inbox/a.jpg"));
  EXPECT_TRUE(fs::exists(m_dir / "out/photo/a.jpg.siftd.json"));
  EXPECT_NE(service->status_json().find("\"done\":1"), std::string::npos) << service->status_json();
}

TEST_F(ServiceTest, a_full_queue_leaves_the_backlog_in_the_inbox_until_a_worker_is_free) {
  gate_the_model();
  auto service = start(config());  // one worker, a queue of 4
  ASSERT_TRUE(service);
  for (int i = 0; i < 8; ++i) drop("f" + std::to_string(i) + ".jpg");
  // One file is with the worker (held at the model), four wait in the queue, three in the
  // backlog; none of the seven is claimed, so all seven are still in the inbox.
  ASSERT_TRUE(drive(*service, [&] { return m_gate->waiting_now() == 1; }));
  for (int round = 0; round < 8; ++round) {
    m_clock.advance(250ms);
    service->step(5ms);
  }
  EXPECT_EQ(files_in(m_dir / "inbox"), 7u);
  EXPECT_EQ(files_in(m_dir / "out"), 0u);
  m_gate->open();
  ASSERT_TRUE(drive(*service, [&] { return files_in(m_dir / "out/photo") == 16; }))
      << "eight files, each with its sidecar";
  EXPECT_EQ(files_in(m_dir / "inbox"), 0u);
  EXPECT_EQ(service->shutdown(), 0u);
}

TEST_F(ServiceTest, a_quota_answer_parks_the_file_until_the_pause_has_passed) {
  fakes::FakeBackend* backend = nullptr;
  m_next_backend = [&backend] {
    auto made =
        std::make_unique<fakes::FakeBackend>(std::vector<pipeline::Result<pipeline::Answer>>{
            pipeline::fail(pipeline::ErrorCode::quota, "daily quota"), fakes::photo_answer()});
    backend = made.get();
    return made;
  };
  auto service = start(config());
  ASSERT_TRUE(service);
  drop("a.jpg");
  ASSERT_TRUE(drive(*service, [&] { return backend->calls == 1; }));
  // Parked for a minute of the service's time: a few steps later it is still not asked again.
  for (int round = 0; round < 20; ++round) {
    m_clock.advance(1s);
    service->step(5ms);
  }
  EXPECT_EQ(backend->calls, 1);
  EXPECT_FALSE(fs::exists(m_dir / "out/photo/a.jpg"));
  m_clock.advance(60s);
  ASSERT_TRUE(drive(*service, [&] { return fs::exists(m_dir / "out/photo/a.jpg"); }));
  EXPECT_EQ(backend->calls, 2);
  EXPECT_EQ(service->shutdown(), 0u);
}

TEST_F(ServiceTest, reload_keeps_the_old_configuration_when_the_new_one_is_bad) {
  std::mutex mutex;
  daemon_core::Result<Config> next = tl::unexpected(daemon_core::Error{
      daemon_core::ErrorCode::config, "siftd.toml:3:1: daemon.out: not a folder"});
  auto service = start(config(), [&]() -> daemon_core::Result<Config> {
    std::lock_guard lock(mutex);
    return next;
  });
  ASSERT_TRUE(service);
  EXPECT_FALSE(service->reload());
  EXPECT_EQ(m_engines_built, 1) << "a refused configuration builds nothing";
  drop("a.jpg");
  ASSERT_TRUE(drive(*service, [&] { return fs::exists(m_dir / "out/photo/a.jpg"); }));

  Config changed = config();
  changed.routes.route = "{out}/sorted/{category}";
  {
    std::lock_guard lock(mutex);
    next = changed;
  }
  EXPECT_TRUE(service->reload());
  EXPECT_EQ(m_engines_built, 2);
  drop("b.jpg");
  ASSERT_TRUE(drive(*service, [&] { return fs::exists(m_dir / "out/sorted/photo/b.jpg"); }));
  EXPECT_EQ(service->shutdown(), 0u);
}

TEST_F(ServiceTest, shutdown_cancels_a_decision_still_waiting_and_the_next_start_resumes_it) {
  gate_the_model();
  {
    auto service = start(config());
    ASSERT_TRUE(service);
    drop("a.jpg");
    ASSERT_TRUE(drive(*service, [&] { return m_gate->waiting_now() == 1; }));
    // The first half of the shutdown timeout passes with the decision still waiting; then it
    // is cancelled, and each fake 20 ms costs 25 real ms: ample real time to wind down.
    m_clock.on_sleep([this] { std::this_thread::sleep_for(m_gate->was_cancelled() ? 25ms : 1ms); });
    EXPECT_EQ(service->shutdown(), 0u) << "the worker ended once its decision was cancelled";
    EXPECT_TRUE(m_gate->was_cancelled());
    m_clock.on_sleep([] { std::this_thread::sleep_for(1ms); });
  }
  EXPECT_FALSE(fs::exists(m_dir / "out/photo/a.jpg"));
  EXPECT_EQ(files_in(m_dir / "inbox"), 0u) << "claimed: it waits in the work area";

  m_next_backend = [] { return std::make_unique<fakes::FakeBackend>(); };
  auto restarted = start(config());
  ASSERT_TRUE(restarted);
  ASSERT_TRUE(drive(*restarted, [&] { return fs::exists(m_dir / "out/photo/a.jpg"); }));
  EXPECT_EQ(restarted->shutdown(), 0u);
}

}  // namespace

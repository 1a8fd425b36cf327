// A file siftd may not read (mode 000, under an unprivileged service user): it is never
// claimed, stays where it is with its name, is logged once and not again at every rescan, and
// leaves no journal row to resume. As root the daemon runs under setpriv as nobody (root reads
// mode 000 files), on a tree nobody owns.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../temp_dir.h"
#include "daemon_process.h"
#include "pipeline/journal/journal.h"
#include "test_media.h"

namespace {

namespace fs = std::filesystem;
using siftd_test::count_of;
using siftd_test::read_file;
using siftd_test::wait_for;
using siftd_test::write_file;

constexpr uid_t k_nobody = 65534;

void chown_tree(const std::string& root) {
  ::chown(root.c_str(), k_nobody, k_nobody);
  for (const auto& entry : fs::recursive_directory_iterator(root))
    ::lchown(entry.path().c_str(), k_nobody, k_nobody);
}

// The value of an unlabelled counter in Prometheus text, or -1.
double counter(const std::string& metrics, const std::string& name) {
  const auto at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + name.size() + 2));
}

// Waits until the daemon logging to `log` has rescanned its inbox `times` more times.
bool wait_for_rescans(const std::string& log, double times) {
  double first = -1;
  return wait_for([&] {
    httplib::Client client("127.0.0.1", siftd_test::logged_http_port(read_file(log)));
    auto response = client.Get("/metrics");
    if (!response) return false;
    const double now = std::max(0.0, counter("\n" + response->body, "siftd_rescans_total"));
    if (first < 0) first = now;
    return now >= first + times;
  });
}

}  // namespace

TEST(UnreadableFile, is_never_claimed_and_is_logged_once) {
  const bool as_root = ::geteuid() == 0;
  if (as_root && !fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "needs setpriv (util-linux)";
  siftd_test::TempDir dir;
  const std::string inbox = dir / "inbox";
  const std::string out = dir / "sorted";
  fs::create_directories(inbox);
  const std::string secret = siftd_test::photo_jpeg(640, 480, 1);
  write_file(inbox + "/secret.jpg", secret);
  write_file(dir / "siftd.toml", "[daemon]\ninbox = \"" + inbox + "\"\nout = \"" + out +
                                     "\"\nsettle_ms = 50\nrescan_s = 1\n[http]\nlisten = "
                                     "\"127.0.0.1:0\"\n");
  if (as_root) chown_tree(dir.path());
  ::chmod((inbox + "/secret.jpg").c_str(), 0);
  const std::vector<std::string> wrapper =
      as_root ? std::vector<std::string>{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                         "--clear-groups"}
              : std::vector<std::string>{};
  const std::vector<std::string> args = {"run", "--config", dir / "siftd.toml", "--log-format",
                                         "text"};

  for (int round = 0; round < 2; ++round) {
    const std::string log = dir / ("log" + std::to_string(round));
    siftd_test::DaemonProcess daemon(args, log, {}, wrapper);
    ASSERT_TRUE(wait_for([&] { return siftd_test::logged_http_port(read_file(log)) > 0; }))
        << read_file(log);
    // A readable file beside it flows as usual.
    const std::string readable = "ok-" + std::to_string(round) + ".jpg";
    write_file(inbox + "/" + readable, siftd_test::photo_jpeg(640, 480, 2));
    if (as_root) ::chown((inbox + "/" + readable).c_str(), k_nobody, k_nobody);
    ASSERT_TRUE(wait_for([&] { return fs::exists(out + "/photo/" + readable + ".siftd.json"); }))
        << read_file(log);
    ASSERT_TRUE(wait_for_rescans(log, 3)) << read_file(log);
    daemon.signal(SIGTERM);
    ASSERT_EQ(daemon.wait_exit(), 0);

    // Left where it was, untouched, and said once (not at every rescan).
    struct stat info {};
    ASSERT_EQ(::stat((inbox + "/secret.jpg").c_str(), &info), 0) << read_file(log);
    EXPECT_EQ(info.st_mode & 07777, 0u);
    EXPECT_EQ(count_of(read_file(log), "secret.jpg"), 1) << read_file(log);
    EXPECT_NE(read_file(log).find("unreadable"), std::string::npos) << read_file(log);
    EXPECT_EQ(read_file(log).find("cannot resume"), std::string::npos) << read_file(log);
  }
  if (as_root) {
    EXPECT_EQ(read_file(inbox + "/secret.jpg"), secret);
  }

  // No journal row holds it, so nothing is ever resumed for it.
  auto journal = pipeline::Journal::open(inbox + "/.siftd/journal.db");
  ASSERT_TRUE(journal);
  auto rows = (*journal)->updated_since(0);
  ASSERT_TRUE(rows);
  for (const auto& row : *rows) EXPECT_NE(row.name, "secret.jpg") << row.id;
}

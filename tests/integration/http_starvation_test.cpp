// Slow and idle clients never keep /healthz and /metrics from answering: request heads that
// trickle in byte by byte and hundreds of idle connections are held to a deadline and a cap.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <regex>
#include <thread>

#include <httplib.h>

#include "../temp_dir.h"
#include "daemon_process.h"

namespace {

using siftd_test::read_file;
using siftd_test::wait_for;

int logged_http_port(const std::string& log) {
  static const std::regex pattern(R"(http listening on 127\.0\.0\.1:(\d+))");
  std::smatch match;
  if (!std::regex_search(log, match, pattern)) return 0;
  return std::stoi(match[1]);
}

// A plain blocking TCP connection to the daemon, closed when it goes out of scope.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// How many idle sockets this process can open, leaving room for everything else.
std::size_t idle_budget(std::size_t wanted) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const auto soft = static_cast<std::size_t>(limit.rlim_cur);
  return soft > 128 ? std::min(wanted, soft - 100) : 0;
}

// GET `path` until it answers 200 or the bound passes; each try has its own timeouts.
bool answers(int port, const std::string& path, std::chrono::seconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(3));
    auto reply = client.Get(path.c_str());
    if (reply && reply->status == 200) return true;
  }
  return false;
}

}  // namespace

TEST(HttpStarvation, health_and_metrics_answer_past_slow_and_idle_clients) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon({"run", "--inbox", dir / "inbox", "--out", dir / "sorted",
                                    "--log-format", "text", "--http", "127.0.0.1:0"},
                                   dir / "log");
  ASSERT_TRUE(
      wait_for([&] { return read_file(dir / "log").find("watching") != std::string::npos; }));
  const int port = logged_http_port(read_file(dir / "log"));
  ASSERT_GT(port, 0) << read_file(dir / "log");

  // Eight clients that send their request head one byte at a time and never finish it.
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) slow.push_back(connect_to(port));
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    const std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (std::size_t at = 0; !stop; ++at) {
      for (const int fd : slow) {
        const char byte = at < head.size() ? head[at] : 'a';
        if (fd >= 0) (void)::send(fd, &byte, 1, MSG_NOSIGNAL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the slow ones are in first
  // Then hundreds of connections that send nothing at all.
  std::vector<int> idle;
  const std::size_t idle_count = idle_budget(300);
  for (std::size_t i = 0; i < idle_count; ++i) {
    const int fd = connect_to(port);
    if (fd >= 0) idle.push_back(fd);
  }
  EXPECT_GE(idle.size(), idle_count / 2) << "the daemon should accept the connections";

  EXPECT_TRUE(answers(port, "/healthz", std::chrono::seconds(30))) << read_file(dir / "log");
  EXPECT_TRUE(answers(port, "/metrics", std::chrono::seconds(30))) << read_file(dir / "log");

  stop = true;
  trickle.join();
  for (const int fd : slow) ::close(fd);
  for (const int fd : idle) ::close(fd);
  // And the daemon is still well: it answers and stops cleanly.
  EXPECT_TRUE(answers(port, "/readyz", std::chrono::seconds(30)));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0) << read_file(dir / "log");
}

// The HTTP endpoint listens where it says or not at all: a port past 65535 and a port another
// process holds (a plain listener, or a second siftd) end `run` with exit 2 and a message that
// says so, before any "listening" line; `check-config` reports the held port the same way.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../temp_dir.h"
#include "daemon_process.h"

namespace {

using siftd_test::read_file;
using siftd_test::run_siftd;
using siftd_test::wait_for;
using siftd_test::write_file;

// A listening socket on 127.0.0.1 with a free port, bound as most servers do (no SO_REUSEPORT).
class HeldPort {
 public:
  HeldPort() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(m_fd, 4) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    m_port = ntohs(address.sin_port);
  }
  ~HeldPort() { ::close(m_fd); }
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;
  int port() const { return m_port; }

 private:
  int m_fd = -1;
  int m_port = 0;
};

std::vector<std::string> run_args(const siftd_test::TempDir& dir, const std::string& name,
                                  const std::string& listen) {
  return {"run",
          "--inbox",
          dir / (name + "-inbox"),
          "--out",
          dir / (name + "-out"),
          "--backend",
          "local",
          "--http",
          listen,
          "--log-format",
          "text"};
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

}  // namespace

TEST(HttpListen, a_port_past_65535_is_refused_with_exit_2_before_listening) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess daemon(run_args(dir, "a", "127.0.0.1:99999"), dir / "log");
  EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(20)), 2) << read_file(dir / "log");
  EXPECT_TRUE(has(read_file(dir / "log"), "http.listen")) << read_file(dir / "log");
  EXPECT_FALSE(has(read_file(dir / "log"), "listening")) << read_file(dir / "log");
}

TEST(HttpListen, a_port_another_process_holds_is_refused_with_exit_2) {
  siftd_test::TempDir dir;
  HeldPort held;
  ASSERT_NE(held.port(), 0);
  siftd_test::DaemonProcess daemon(run_args(dir, "a", "127.0.0.1:" + std::to_string(held.port())),
                                   dir / "log");
  // Before: exit 1 and "cannot listen on", which did not say why.
  EXPECT_EQ(daemon.wait_exit(std::chrono::seconds(20)), 2) << read_file(dir / "log");
  EXPECT_TRUE(has(read_file(dir / "log"), "already in use")) << read_file(dir / "log");
  EXPECT_FALSE(has(read_file(dir / "log"), "listening")) << read_file(dir / "log");
}

TEST(HttpListen, a_second_daemon_on_the_first_ones_port_is_refused_with_exit_2) {
  siftd_test::TempDir dir;
  siftd_test::DaemonProcess first(run_args(dir, "first", "127.0.0.1:0"), dir / "first.log");
  int port = 0;
  ASSERT_TRUE(wait_for([&] {
    port = siftd_test::logged_http_port(read_file(dir / "first.log"));
    return port != 0;
  })) << read_file(dir / "first.log");

  // Before: both bound the port with SO_REUSEPORT and the second logged "listening" too, while
  // the kernel handed each connection to either daemon.
  siftd_test::DaemonProcess second(run_args(dir, "second", "127.0.0.1:" + std::to_string(port)),
                                   dir / "second.log");
  EXPECT_EQ(second.wait_exit(std::chrono::seconds(20)), 2) << read_file(dir / "second.log");
  EXPECT_TRUE(has(read_file(dir / "second.log"), "already in use"))
      << read_file(dir / "second.log");
  EXPECT_FALSE(has(read_file(dir / "second.log"), "listening")) << read_file(dir / "second.log");
  EXPECT_EQ(first.stop(), 0) << read_file(dir / "first.log");
}

TEST(HttpListen, check_config_reports_a_port_in_use_with_exit_2) {
  siftd_test::TempDir dir;
  HeldPort held;
  ASSERT_NE(held.port(), 0);
  const std::string file = dir / "siftd.toml";
  write_file(file, "[daemon]\ninbox = '" + (dir / "inbox") + "'\nout = '" + (dir / "out") +
                       "'\n[http]\nlisten = \"127.0.0.1:" + std::to_string(held.port()) + "\"\n");
  const auto result = run_siftd("check-config '" + file + "'", true);
  EXPECT_EQ(result.status, 2) << result.out;
  EXPECT_TRUE(has(result.out, file)) << result.out;
  EXPECT_TRUE(has(result.out, "http.listen")) << result.out;
  EXPECT_TRUE(has(result.out, "already in use")) << result.out;
}

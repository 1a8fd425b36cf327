#include "daemon/listen_address.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace daemon_core {
namespace {

TEST(ListenAddress, parses_ipv4_bracketed_ipv6_and_localhost) {
  auto v4 = parse_listen_address("127.0.0.1:9464");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  auto v6 = parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_TRUE(parse_listen_address("localhost:65535"));
}

TEST(ListenAddress, refuses_ports_out_of_range_and_names_that_are_not_addresses) {
  for (const char* bad : {"127.0.0.1:99999", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:", "127.0.0.1:80x", ":9464", "example.com:9464", "nonsense"}) {
    const auto parsed = parse_listen_address(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::config) << bad;
  }
}

TEST(ListenAddress, probe_names_a_port_in_use) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  const auto probed = probe_listen_address({"127.0.0.1", port});
  ::close(fd);
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().code, ErrorCode::config);
  EXPECT_NE(probed.error().detail.find("already in use"), std::string::npos)
      << probed.error().detail;
  EXPECT_TRUE(probe_listen_address({"127.0.0.1", 0}));
}

}  // namespace
}  // namespace daemon_core

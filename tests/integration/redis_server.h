#pragma once
// A real redis-server on a free loopback port, with an append-only file so that a restart
// keeps what it had; and a few hiredis calls for assertions.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace siftd_test {

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class RedisServer {
 public:
  RedisServer(std::string folder, int port) : m_folder(std::move(folder)), m_port(port) { start(); }
  ~RedisServer() { stop(); }

  void start() {
    std::vector<std::string> args = {"redis-server", "--port",    std::to_string(m_port),
                                     "--bind",       "127.0.0.1", "--dir",
                                     m_folder,       "--save",    "",
                                     "--appendonly", "yes",       "--appendfsync",
                                     "always",       "--logfile", m_folder + "/redis.log"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawnp(&m_pid, "redis-server", nullptr, nullptr, argv.data(), environ);
    for (int i = 0; i < 500 && !ping(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // SIGTERM: redis flushes its append-only file and exits.
  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
  }

  bool ping() const { return command_integer("DBSIZE") >= 0; }
  long long stream_length(const std::string& stream) const {
    return command_integer("XLEN " + stream);
  }

  // Every message's "message" field in the stream.
  std::vector<std::string> messages(const std::string& stream) const {
    std::vector<std::string> out;
    auto* context = connect();
    if (!context) return out;
    auto* reply = static_cast<redisReply*>(redisCommand(context, "XRANGE %s - +", stream.c_str()));
    if (reply && reply->type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < reply->elements; ++i) {
        const redisReply* fields = reply->element[i]->element[1];
        for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
          if (std::string(fields->element[f]->str) == "message")
            out.emplace_back(fields->element[f + 1]->str);
        }
      }
    }
    if (reply) freeReplyObject(reply);
    redisFree(context);
    return out;
  }

  int port() const { return m_port; }

 private:
  redisContext* connect() const {
    timeval timeout{1, 0};
    redisContext* context = redisConnectWithTimeout("127.0.0.1", m_port, timeout);
    if (!context || context->err) {
      if (context) redisFree(context);
      return nullptr;
    }
    return context;
  }

  long long command_integer(const std::string& command) const {
    auto* context = connect();
    if (!context) return -1;
    auto* reply = static_cast<redisReply*>(redisCommand(context, command.c_str()));
    long long value = -1;
    if (reply && reply->type == REDIS_REPLY_INTEGER) value = reply->integer;
    if (reply) freeReplyObject(reply);
    redisFree(context);
    return value;
  }

  std::string m_folder;
  int m_port;
  pid_t m_pid = -1;
};

}  // namespace siftd_test

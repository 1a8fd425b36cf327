#include "daemon/guarded_http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace daemon_core {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Set while the accepting thread runs a connection's task only to close it: the cap is reached.
thread_local bool t_shedding = false;

// A thread per connection up to a cap. httplib's own pool queues every accepted connection
// behind the ones its few threads are stuck on, so one idle socket delays all that follow.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(std::size_t cap) : m_cap(cap) {}

  void enqueue(std::function<void()> task) override {
    std::unique_lock lock(m_mutex);
    reap_finished();
    if (m_threads.size() >= m_cap) {
      lock.unlock();
      t_shedding = true;
      task();  // closes the connection at once
      t_shedding = false;
      return;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    m_threads.push_back(Worker{std::thread([task = std::move(task), done] {
                                 task();
                                 *done = true;
                               }),
                               done});
  }

  void shutdown() override {
    std::lock_guard lock(m_mutex);
    for (auto& worker : m_threads) worker.thread.join();
    m_threads.clear();
  }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void reap_finished() {
    for (auto it = m_threads.begin(); it != m_threads.end();) {
      if (*it->done) {
        it->thread.join();
        it = m_threads.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::size_t m_cap;
  std::mutex m_mutex;
  std::list<Worker> m_threads;
};

// A connection's socket, read through a small buffer (httplib reads a request line byte by
// byte), where every wait ends at the current deadline or when the server stops.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int fd, const httplib::Server& server) : m_fd(fd), m_server(server) {}

  void set_deadline(milliseconds from_now) { m_deadline = steady_clock::now() + from_now; }

  bool is_readable() const override { return m_begin < m_end || wait(POLLIN); }
  bool is_writable() const override { return wait(POLLOUT); }

  ssize_t read(char* data, size_t size) override {
    if (m_begin == m_end) {
      if (!wait(POLLIN)) return -1;
      const ssize_t n = receive();
      if (n <= 0) return n;
      m_begin = 0;
      m_end = static_cast<std::size_t>(n);
    }
    const std::size_t count = std::min(size, m_end - m_begin);
    std::copy_n(m_buffer + m_begin, count, data);
    m_begin += count;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* data, size_t size) override {
    if (!wait(POLLOUT)) return -1;
    ssize_t n;
    do {
      n = ::send(m_fd, data, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getsockname, ip, port);
  }
  socket_t socket() const override { return m_fd; }

 private:
  // Polls in short slices, so a stopping server is noticed within one.
  bool wait(short events) const {
    for (;;) {
      const auto left = std::chrono::ceil<milliseconds>(m_deadline - steady_clock::now());
      if (left <= milliseconds(0) || !m_server.is_running()) return false;
      pollfd entry{m_fd, events, 0};
      const int ready =
          ::poll(&entry, 1, static_cast<int>(std::min(left, milliseconds(100)).count()));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
  }

  ssize_t receive() {
    ssize_t n;
    do {
      n = ::recv(m_fd, m_buffer, sizeof m_buffer, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  using NameOf = int (*)(int, sockaddr*, socklen_t*);
  void address_of(NameOf name_of, std::string& ip, int& port) const {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    char host[NI_MAXHOST] = {};
    char service[NI_MAXSERV] = {};
    if (name_of(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, service,
                      sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
      return;
    }
    ip = host;
    port = std::atoi(service);
  }

  int m_fd;
  const httplib::Server& m_server;
  steady_clock::time_point m_deadline = steady_clock::now();
  char m_buffer[4096];
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
};

}  // namespace

GuardedServer::GuardedServer(ConnectionLimits limits) : m_limits(limits) {
  // httplib takes ownership of the queue it is handed and deletes it when listening ends.
  new_task_queue = [cap = m_limits.max_connections] { return new ConnectionThreads(cap); };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second process binds a
  // port already in use, "listens", and the kernel hands each connection to either of them.
  set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  bool ok = true;
  if (!t_shedding) {
    DeadlineStream stream(sock, *this);
    for (int served = 0; served < m_limits.requests_per_connection; ++served) {
      stream.set_deadline(m_limits.idle_timeout);
      if (!stream.is_readable()) break;  // idle, closed by the client, or the server stops
      stream.set_deadline(m_limits.request_deadline);
      bool closed = false;
      const bool last = served + 1 == m_limits.requests_per_connection;
      ok = process_request(stream, last, closed, nullptr);
      if (!ok || closed) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace daemon_core

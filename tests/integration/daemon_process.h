#pragma once
// Runs the real siftd binary as a child process for end-to-end tests, with its output in a
// log file, and waits on conditions with a bounded timeout (never asserting on speed). Every
// end-to-end test starts the daemon, waits for its "watching" line and stops it through here.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/wait_for.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace siftd_test {

class DaemonProcess {
 public:
  // `wrapper`, when given, is a command siftd runs under (setpriv, to drop privileges).
  DaemonProcess(std::vector<std::string> args, const std::string& log_path,
                std::vector<std::string> extra_env = {}, std::vector<std::string> wrapper = {}) {
    std::vector<char*> argv;
    args.insert(args.begin(), SIFTD_BINARY);
    args.insert(args.begin(), wrapper.begin(), wrapper.end());
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
    for (auto& e : extra_env) env_storage.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
  }
  ~DaemonProcess() {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return m_pid; }
  void signal(int number) { ::kill(m_pid, number); }

  // Whether the process is still up (it has neither exited nor been reaped).
  bool running() {
    if (m_reaped) return false;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) != m_pid) return true;
    m_reaped = true;
    return false;
  }

  // SIGTERM, then the exit status (or -1 when it did not exit within the bound).
  int stop(std::chrono::seconds bound = std::chrono::seconds(30)) {
    signal(SIGTERM);
    return wait_exit(bound);
  }

  // The exit status after a signal, or -1 when it did not exit within the bound.
  int wait_exit(std::chrono::seconds bound = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_reaped = true;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t m_pid = -1;
  bool m_reaped = false;
};

struct CommandOutput {
  int status = -1;
  std::string out;
};

// Runs siftd with `arguments` (already shell-quoted), capturing stdout; stderr is dropped, or
// captured with stdout when `with_stderr`.
inline CommandOutput run_siftd(const std::string& arguments, bool with_stderr = false) {
  const std::string command =
      std::string("'") + SIFTD_BINARY + "' " + arguments + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CommandOutput result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The port a daemon started with `--http 127.0.0.1:0` (or listen = "127.0.0.1:0") logged, or 0
// before it did.
inline int logged_http_port(const std::string& log) {
  static const std::regex pattern(R"(http listening on 127\.0\.0\.1:(\d+))");
  std::smatch match;
  if (!std::regex_search(log, match, pattern)) return 0;
  return std::stoi(match[1]);
}

// How many times `what` occurs in `text` (log lines, say).
inline int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// Waits until the log at `path` contains `text`: "watching" means the daemon is ready.
inline bool wait_for_log(const std::string& path, const std::string& text,
                         std::chrono::seconds bound = std::chrono::seconds(60)) {
  return wait_for(
      [&] {
        std::FILE* file = std::fopen(path.c_str(), "rb");
        if (!file) return false;
        std::string content;
        char buffer[4096];
        while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file))
          content.append(buffer, n);
        std::fclose(file);
        return content.find(text) != std::string::npos;
      },
      bound);
}

}  // namespace siftd_test

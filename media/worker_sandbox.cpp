#include "media/worker_sandbox.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "media/sanitizers.h"

namespace media {
namespace {

// Descriptors a worker may hold: the pool's socket, the file, and what FFmpeg, Poppler and
// fontconfig open beside it.
constexpr rlim_t k_max_open_files = 256;

tl::unexpected<Error> refused(const std::string& step, int error = errno) {
  return fail(ErrorCode::internal,
              "cannot sandbox the decoder worker: " + step + ": " + std::strerror(error));
}

// Fixed for the worker's whole life; the per-file memory and CPU limits follow in
// worker_server.cpp. No core files: a crash's memory holds the hostile file's content.
Result<void> lower_hard_limits() {
  for (const auto& [resource, value] :
       {std::pair{RLIMIT_CORE, rlim_t{0}}, std::pair{RLIMIT_NOFILE, k_max_open_files}}) {
    rlimit limit{};
    if (::getrlimit(resource, &limit) != 0) return refused("getrlimit");
    limit.rlim_max = std::min(limit.rlim_max, value);
    limit.rlim_cur = std::min(limit.rlim_cur, limit.rlim_max);
    if (::setrlimit(resource, &limit) != 0) return refused("setrlimit");
  }
  return {};
}

int last_capability() {
  std::ifstream file("/proc/sys/kernel/cap_last_cap");
  int last = CAP_LAST_CAP;
  file >> last;
  return last;
}

// Root keeps no power over the machine: the bounding and ambient sets are emptied (so no
// exec could win a capability back) and the process's own sets cleared. Without root the
// bounding set stays (dropping it needs CAP_SETPCAP) and the rest is already empty.
Result<void> drop_capabilities() {
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return refused("clearing the ambient capabilities");
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return refused("capget");
  if (data[0].permitted & (1u << CAP_SETPCAP)) {
    for (int capability = 0; capability <= last_capability(); ++capability) {
      if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && errno != EINVAL) {
        return refused("dropping capability " + std::to_string(capability));
      }
    }
  }
  for (auto& set : data) set = {};
  if (::syscall(SYS_capset, &header, data) != 0) return refused("capset");
  return {};
}

struct FilterDeleter {
  void operator()(scmp_filter_ctx filter) const { seccomp_release(filter); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

// Every call named here is allowed with any arguments; calls this build's architecture does
// not have are skipped.
constexpr const char* k_allowed[] = {
    // memory
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore",
    // reading files (opening is filtered below), the pool's socket, stderr
    "read", "pread64", "readv", "preadv", "write", "writev", "lseek", "fadvise64", "close", "fstat",
    "newfstatat", "stat", "lstat", "statx", "access", "faccessat", "faccessat2", "readlink",
    "readlinkat", "getdents64", "fcntl", "dup", "fstatfs", "statfs", "getcwd", "poll", "ppoll",
    "select", "pselect6",
    // time
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    // threads (creating them is filtered below) and signals
    "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "sched_yield",
    "sched_getaffinity", "gettid", "getpid", "getppid", "exit", "exit_group", "rt_sigaction",
    "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
    // facts about the process and the machine
    "getuid", "geteuid", "getgid", "getegid", "uname", "sysinfo", "getrusage", "getrlimit",
    "getrandom", "getpriority", "sched_getparam", "sched_getscheduler",
    // the per-file limits of worker_server.cpp; a hard limit is never raised again
    "setrlimit"};

// The sanitizers' own machinery: LeakSanitizer stops the process's threads with a tracer
// (clone without CLONE_THREAD, ptrace) at exit, and a report runs llvm-symbolizer. Only
// sanitizer builds, which never decode files in production, allow these.
constexpr const char* k_sanitizer_allowed[] = {"clone",
                                               "ptrace",
                                               "execve",
                                               "wait4",
                                               "waitid",
                                               "pipe2",
                                               "dup2",
                                               "dup3",
                                               "prctl",
                                               "kill",
                                               "tgkill",
                                               "sched_setaffinity",
                                               "process_vm_readv",
                                               "openat",
                                               "open",
                                               "unlink"};

int add_rule(scmp_filter_ctx filter, std::uint32_t action, const char* name,
             std::initializer_list<scmp_arg_cmp> arguments = {}) {
  const int call = seccomp_syscall_resolve_name(name);
  if (call == __NR_SCMP_ERROR) return 0;  // not on this architecture
  return seccomp_rule_add_array(filter, action, call, static_cast<unsigned>(arguments.size()),
                                arguments.size() ? arguments.begin() : nullptr);
}

// Allow-list: anything else fails with EPERM, so a library that tries more than decoding
// (a socket, exec, a write-open) fails its file with its own message rather than being
// killed mid-call. Opening is read-only, new threads are threads (not processes), signals go
// only to this process, and ioctl answers only isatty().
// One argument comparison; SCMP_A0() and its kin are C compound literals, not C++.
scmp_arg_cmp arg(unsigned index, scmp_compare op, scmp_datum_t value, scmp_datum_t second = 0) {
  return scmp_arg_cmp{index, op, value, second};
}

Result<void> install_syscall_filter() {
  Filter filter(seccomp_init(SCMP_ACT_ERRNO(EPERM)));
  if (!filter) return refused("seccomp_init", ENOMEM);
  const auto f = filter.get();
  int rc = 0;
  for (const char* name : k_allowed) rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, name);
  if (k_address_sanitizer) {
    for (const char* name : k_sanitizer_allowed) rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, name);
  } else {
    // O_TMPFILE includes O_DIRECTORY, which reading a folder needs: only its own bit counts.
    const scmp_datum_t write_flags = O_ACCMODE | O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY);
    rc = rc ? rc
            : add_rule(f, SCMP_ACT_ALLOW, "openat", {arg(2, SCMP_CMP_MASKED_EQ, write_flags, 0)});
    rc =
        rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "open", {arg(1, SCMP_CMP_MASKED_EQ, write_flags, 0)});
    rc = rc ? rc
            : add_rule(f, SCMP_ACT_ALLOW, "clone",
                       {arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)});
    const auto self = static_cast<scmp_datum_t>(::getpid());
    rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "tgkill", {arg(0, SCMP_CMP_EQ, self)});
    rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "kill", {arg(0, SCMP_CMP_EQ, self)});
    // Thread names, and the names glibc gives its malloc arenas.
    for (const scmp_datum_t option :
         {scmp_datum_t{PR_SET_NAME}, scmp_datum_t{PR_GET_NAME}, scmp_datum_t{0x53564d41}}) {
      rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "prctl", {arg(0, SCMP_CMP_EQ, option)});
    }
  }
  // glibc falls back to clone(), whose flags the filter can read, when clone3() is missing.
  rc = rc ? rc : add_rule(f, SCMP_ACT_ERRNO(ENOSYS), "clone3");
  rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "prlimit64", {arg(0, SCMP_CMP_EQ, 0)});
  rc = rc ? rc : add_rule(f, SCMP_ACT_ALLOW, "ioctl", {arg(1, SCMP_CMP_EQ, TCGETS)});
  if (rc != 0) return refused("adding a seccomp rule", -rc);
  if (const int loaded = seccomp_load(f); loaded != 0) return refused("seccomp_load", -loaded);
  return {};
}

}  // namespace

Result<void> enter_worker_sandbox() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return refused("PR_SET_NO_NEW_PRIVS");
  if (auto ok = lower_hard_limits(); !ok) return ok;
  if (auto ok = drop_capabilities(); !ok) return ok;
  return install_syscall_filter();
}

}  // namespace media

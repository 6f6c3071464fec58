#include "rqd/launcher.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

// A passwd entry copied out of the _r buffers.
struct PasswdEntry {
  std::string name;
  int uid = -1;
  int gid = -1;
  std::string home;
};

std::optional<PasswdEntry> copyEntry(struct passwd* pw) {
  if (pw == nullptr) return std::nullopt;
  PasswdEntry e;
  e.name = pw->pw_name ? pw->pw_name : "";
  e.uid = static_cast<int>(pw->pw_uid);
  e.gid = static_cast<int>(pw->pw_gid);
  e.home = pw->pw_dir ? pw->pw_dir : "";
  return e;
}

std::optional<PasswdEntry> passwdByUid(int uid) {
  struct passwd pw;
  struct passwd* out = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &out) != 0) {
    return std::nullopt;
  }
  return copyEntry(out);
}

std::optional<PasswdEntry> passwdByName(const std::string& name) {
  if (name.empty()) return std::nullopt;
  struct passwd pw;
  struct passwd* out = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &out) != 0) return std::nullopt;
  return copyEntry(out);
}

std::vector<gid_t> supplementaryGroups(const std::string& name, int gid) {
  std::vector<gid_t> groups;
  if (!name.empty()) {
    int n = 64;
    groups.resize(n);
    if (getgrouplist(name.c_str(), static_cast<gid_t>(gid), groups.data(), &n) < 0) {
      groups.resize(n);
      if (getgrouplist(name.c_str(), static_cast<gid_t>(gid), groups.data(), &n) < 0) n = 0;
    }
    groups.resize(n);
  }
  std::vector<gid_t> out;
  for (gid_t g : groups) {
    if (g != 0) out.push_back(g);
  }
  if (out.empty()) out.push_back(static_cast<gid_t>(gid));
  return out;
}

// Steps of the child, for the error it reports to the parent.
enum ChildStep : int {
  kNoFailure,
  kSetsid,
  kCgroup,
  kAffinity,
  kNice,
  kDup,
  kSetgroups,
  kSetgid,
  kSetuid,
  kPdeathsig,
  kExec,
};

const char* stepName(int step) {
  switch (step) {
    case kSetsid:
      return "setsid";
    case kCgroup:
      return "joining the frame's cgroup (write to cgroup.procs)";
    case kAffinity:
      return "sched_setaffinity";
    case kNice:
      return "setpriority";
    case kDup:
      return "dup2";
    case kSetgroups:
      return "setgroups";
    case kSetgid:
      return "setgid";
    case kSetuid:
      return "setuid";
    case kPdeathsig:
      return "prctl(PR_SET_PDEATHSIG)";
    case kExec:
      return "execve(/bin/sh)";
  }
  return "?";
}

// Written by a child that fails before exec, read by rqd once it resumes. The child runs
// in rqd's memory (CLONE_VM) and rqd resumes only when it has exec'd or exited
// (CLONE_VFORK), so a plain struct carries the error: no pipe to make and close per frame.
struct ChildError {
  int step = kNoFailure;
  int err = 0;
};

// Everything the child needs, prepared before fork so the child only makes system calls.
struct ChildPlan {
  const char* direct_path = nullptr;  // execve'd first when set (directCommand)
  std::vector<char*> direct_argv;
  const char* argv[4];
  std::vector<char*> envp;
  const char* cwd;
  int devnull;
  int output_fd;
  ChildError* error;
  bool set_affinity;
  cpu_set_t cpus;
  bool switch_user;
  uid_t uid;
  gid_t gid;
  const std::vector<gid_t>* groups;
  const std::vector<int>* cgroup_fds;
  const std::vector<int>* reset_signals;  // see signalsToReset
  bool set_nice;
  int niceness;  // the child's, when set_nice
  pid_t parent;
};

[[noreturn]] void childFail(ChildError* error, ChildStep step) {
  error->err = errno;
  error->step = step;
  ::_exit(127);
}

void closeFrom(int lowest) {
  // close_range is one system call; fall back to a loop on old kernels.
  if (::close_range(lowest, ~0U, 0) != 0) {
    long max = ::sysconf(_SC_OPEN_MAX);
    for (int fd = lowest; fd < max; ++fd) ::close(fd);
  }
}

[[noreturn]] void childMain(const ChildPlan& p) {
  if (::setsid() < 0) childFail(p.error, kSetsid);
  // Into the frame's cgroup before anything else runs: whatever it forks stays there.
  for (int fd : *p.cgroup_fds)
    if (::write(fd, "0", 1) != 1) childFail(p.error, kCgroup);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig : *p.reset_signals) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (p.set_affinity && ::sched_setaffinity(0, sizeof(p.cpus), &p.cpus) != 0) {
    childFail(p.error, kAffinity);
  }
  if (p.set_nice && ::syscall(SYS_setpriority, PRIO_PROCESS, 0, p.niceness) != 0)
    childFail(p.error, kNice);
  if (::dup2(p.devnull, 0) < 0 || ::dup2(p.output_fd, 1) < 0 || ::dup2(p.output_fd, 2) < 0) {
    childFail(p.error, kDup);
  }
  closeFrom(3);
  if (p.switch_user) {
    // Raw system calls: the child shares rqd's memory (see spawnFrame), and glibc's
    // wrappers would try to change the credentials of every rqd thread.
    if (::syscall(SYS_setgroups, p.groups->size(), p.groups->data()) != 0)
      childFail(p.error, kSetgroups);
    if (::syscall(SYS_setgid, p.gid) != 0) childFail(p.error, kSetgid);
    if (::syscall(SYS_setuid, p.uid) != 0) childFail(p.error, kSetuid);
  }
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) childFail(p.error, kPdeathsig);
  if (::getppid() != p.parent) ::_exit(137);  // rqd died already
  if (::chdir(p.cwd) != 0) ::chdir("/");
  // Without the shell when it would only have looked the program up; should that fail
  // (a script without #!, say), the shell runs the command as it always did.
  if (p.direct_path != nullptr) ::execve(p.direct_path, p.direct_argv.data(), p.envp.data());
  ::execve(p.argv[0], const_cast<char* const*>(p.argv), p.envp.data());
  childFail(p.error, kExec);
}

int childEntry(void* plan) { childMain(*static_cast<const ChildPlan*>(plan)); }

// Words the shell treats itself, whatever PATH holds: keywords and dash's builtins (some
// of which also exist as programs that behave differently, such as echo).
bool shellWord(const std::string& w) {
  static const char* const kWords[] = {
      "!",    ".",      ":",        "[",        "alias", "bg",       "break",  "case",
      "cd",   "chdir",  "command",  "continue", "do",    "done",     "echo",   "elif",
      "else", "esac",   "eval",     "exec",     "exit",  "export",   "false",  "fg",
      "fi",   "for",    "function", "getopts",  "hash",  "if",       "in",     "jobs",
      "kill", "local",  "printf",   "pwd",      "read",  "readonly", "return", "select",
      "set",  "shift",  "test",     "then",     "time",  "times",    "trap",   "true",
      "type", "ulimit", "umask",    "unalias",  "unset", "until",    "wait",   "while"};
  for (const char* k : kWords) {
    if (w == k) return true;
  }
  return false;
}

bool executableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<DirectCommand> directCommand(const std::string& command,
                                           const std::string& path_env) {
  DirectCommand out;
  std::string word;
  for (char c : command) {
    const bool plain = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                       std::strchr("_-./,:=+@%", c) != nullptr;
    if (c == ' ') {
      if (!word.empty()) out.argv.push_back(std::move(word));
      word.clear();
    } else if (plain && c != '\0') {
      word += c;
    } else {
      return std::nullopt;  // the shell would do something with it
    }
  }
  if (!word.empty()) out.argv.push_back(std::move(word));
  if (out.argv.empty()) return std::nullopt;
  const std::string& first = out.argv.front();
  if (first.find('=') != std::string::npos || shellWord(first)) return std::nullopt;
  if (first.find('/') != std::string::npos) {
    out.path = first;
    return out;
  }
  for (absl::string_view dir : absl::StrSplit(path_env, ':')) {
    // A relative entry (an empty one is the working directory) means the frame's directory,
    // which is not rqd's: the shell looks there.
    if (dir.empty() || dir[0] != '/') return std::nullopt;
    std::string candidate = absl::StrCat(dir, "/", first);
    if (executableFile(candidate)) {
      out.path = std::move(candidate);
      return out;
    }
  }
  return std::nullopt;
}

absl::StatusOr<FrameUser> resolveFrameUser(const FrameSpec& spec, bool as_root) {
  if (spec.uid == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to run frame ", spec.frame_name, " as root (uid 0)"));
  }
  FrameUser user;
  if (!as_root) {
    int uid = static_cast<int>(::geteuid());
    std::optional<PasswdEntry> pw = passwdByUid(uid);
    user.uid = uid;
    user.gid = static_cast<int>(::getegid());
    user.name = pw ? pw->name : absl::StrCat(uid);
    user.home = pw && !pw->home.empty() ? pw->home : "/tmp";
    return user;
  }
  std::optional<PasswdEntry> pw;
  if (spec.uid > 0) {
    user.uid = spec.uid;
    pw = passwdByUid(spec.uid);
  } else if (std::optional<PasswdEntry> named = passwdByName(spec.user_name);
             named && named->uid > 0) {
    user.uid = named->uid;
    pw = named;
  } else {
    user.uid = kNobodyId;
    pw = passwdByUid(kNobodyId);
  }
  user.gid = spec.gid > 0 ? spec.gid : (pw ? pw->gid : kNobodyId);
  if (user.gid == 0) user.gid = kNobodyId;
  user.name = pw ? pw->name : (spec.user_name.empty() ? absl::StrCat(user.uid) : spec.user_name);
  user.home = pw && !pw->home.empty() && pw->home != "/nonexistent" ? pw->home : "/tmp";
  user.groups = supplementaryGroups(pw ? pw->name : "", user.gid);
  user.switch_user = true;
  return user;
}

namespace {

// /dev/null for the frames' standard input, opened once (close-on-exec) for all of them.
int devNull() {
  static const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd;
}

// The signals whose disposition is not the default when rqd launches its first frame: those
// main.cpp ignores (SIGPIPE). An ignored signal stays ignored across execve, so the child sets
// these back to the default before it execs. A handler does not survive execve, and rqd
// installs none (it takes its signals with sigwait, see main.cpp), so the child no longer
// makes one sigaction call for each of the 64 signals in every launch: on a VM whose system
// calls are slow that was about 60 us a frame (docs/PERFORMANCE.md, twenty-sixth session).
const std::vector<int>& signalsToReset() {
  static const std::vector<int> signals = [] {
    std::vector<int> out;
    for (int sig = 1; sig < NSIG; ++sig) {
      struct sigaction current {};
      if (::sigaction(sig, nullptr, &current) != 0) continue;  // not a signal one can set
      const bool plain = (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == SIG_DFL;
      if (!plain) out.push_back(sig);
    }
    return out;
  }();
  return signals;
}

}  // namespace

absl::StatusOr<pid_t> spawnFrame(const SpawnSpec& spec) {
  auto path_env = spec.env.find("PATH");
  std::optional<DirectCommand> direct =
      directCommand(spec.command, path_env == spec.env.end() ? "" : path_env->second);
  std::vector<std::string> env_strings;
  env_strings.reserve(spec.env.size() + 1);
  for (const auto& [key, value] : spec.env) {
    if (key != "PWD" || !direct) env_strings.push_back(absl::StrCat(key, "=", value));
  }
  if (direct) env_strings.push_back(absl::StrCat("PWD=", spec.cwd));  // as sh exports it

  ChildPlan plan;
  if (direct) {
    plan.direct_path = direct->path.c_str();
    for (std::string& a : direct->argv) plan.direct_argv.push_back(a.data());
    plan.direct_argv.push_back(nullptr);
  }
  plan.argv[0] = "/bin/sh";
  plan.argv[1] = "-c";
  plan.argv[2] = spec.command.c_str();
  plan.argv[3] = nullptr;
  for (std::string& s : env_strings) plan.envp.push_back(s.data());
  plan.envp.push_back(nullptr);
  plan.cwd = spec.cwd.c_str();
  plan.output_fd = spec.output_fd;
  plan.set_affinity = !spec.cpus.empty();
  CPU_ZERO(&plan.cpus);
  for (int cpu : spec.cpus) CPU_SET(cpu, &plan.cpus);
  plan.switch_user = spec.user.switch_user;
  plan.uid = static_cast<uid_t>(spec.user.uid);
  plan.gid = static_cast<gid_t>(spec.user.gid);
  plan.groups = &spec.user.groups;
  plan.cgroup_fds = &spec.cgroup_fds;
  plan.reset_signals = &signalsToReset();
  plan.set_nice = spec.nice > 0;
  plan.niceness = 0;
  if (plan.set_nice) {
    errno = 0;
    const int own = ::getpriority(PRIO_PROCESS, 0);
    plan.niceness = std::min(19, (errno == 0 ? own : 0) + spec.nice);
  }
  plan.parent = selfPid();
  plan.devnull = devNull();
  if (plan.devnull < 0) return absl::InternalError("cannot open /dev/null");
  ChildError err;
  plan.error = &err;

  // Like posix_spawn: the child borrows rqd's memory on its own stack (CLONE_VM) and rqd
  // waits until it has exec'd or failed (CLONE_VFORK), so no page tables are copied, which
  // is what fork() spends most of its time on in a large multi-threaded daemon.
  // One stack per launching thread, made once and never cleared: the child touches only
  // the few pages it uses, and rqd waits for it before the next launch on this thread.
  constexpr size_t kChildStack = 256 * 1024;
  thread_local const std::unique_ptr<char[]> stack(new char[kChildStack]);  // 16-aligned
  pid_t pid =
      ::clone(childEntry, stack.get() + kChildStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  if (pid < 0) return absl::InternalError(absl::StrCat("clone: ", strerror(errno)));
  // The child has exec'd (the shell runs), or exited, having written `err` if it failed.
  if (err.step == kNoFailure) return pid;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string what = stepName(err.step);
  if (err.step == kSetuid) absl::StrAppend(&what, "(", spec.user.uid, ")");
  if (err.step == kSetgid) absl::StrAppend(&what, "(", spec.user.gid, ")");
  return absl::InternalError(absl::StrCat(what, ": ", strerror(err.err)));
}

}  // namespace cue::rqd

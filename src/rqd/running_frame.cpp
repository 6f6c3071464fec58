#include "rqd/running_frame.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "common/logging.h"
#include "rqd/frame_env.h"
#include "rqd/frame_log.h"
#include "rqd/launcher.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

using Clock = std::chrono::steady_clock;

EpochSec nowSeconds() { return common::SystemClock::instance().nowSeconds(); }

// The start time of a live process; 0 when it cannot be read.
uint64_t startTimeOf(const std::string& proc_root, pid_t pid) {
  absl::StatusOr<std::string> text = readSmallFile(absl::StrCat(proc_root, "/", pid, "/stat"));
  if (!text.ok()) return 0;
  absl::StatusOr<ProcStat> st = parseProcStat(*text);
  return st.ok() ? st->starttime : 0;
}

int pidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

double seconds(const struct timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

RunningFrame::RunningFrame(FrameSpec spec, std::vector<int> cpus, Options options,
                           Callbacks callbacks)
    : options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      spec_(std::move(spec)),
      cpus_(std::move(cpus)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  spec_.log_file = logFileName(spec_);
  if (!cpus_.empty()) spec_.attributes["CPU_LIST"] = absl::StrJoin(cpus_, ",");
  auto seconds = [&](const char* key) -> int64_t {
    auto it = spec_.attributes.find(key);
    int64_t v = 0;
    return it != spec_.attributes.end() && absl::SimpleAtoi(it->second, &v) && v > 0 ? v : 0;
  };
  timeout_s_ = seconds(kAttrTimeoutSeconds);
  hung_s_ = seconds(kAttrHungSeconds);
}

double RunningFrame::pcpu() const {
  std::lock_guard<std::mutex> lock(mu_);
  return usage_.pcpu;
}

void RunningFrame::sampleGpus(const std::vector<GpuUse>& use, const std::vector<int>& gpus) {
  MemoryKb mem = 0;
  int64_t busy = 0;
  int seen = 0;
  for (const GpuUse& u : use) {
    if (std::find(gpus.begin(), gpus.end(), u.index) == gpus.end()) continue;
    mem += u.used_mem;
    busy += u.utilization;
    ++seen;
  }
  if (seen == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  usage_.gpu_mem = mem;
  usage_.max_gpu_mem = std::max(usage_.max_gpu_mem, mem);
  usage_.gpu_utilization = static_cast<int32_t>(busy / seen);
}

// The attendant holds a reference while it runs: the last one goes after it returned.
RunningFrame::~RunningFrame() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void RunningFrame::start(AttendantPool& pool) {
  {
    std::lock_guard<std::mutex> lock(attended_mu_);
    started_ = true;
  }
  pool.run([self = shared_from_this()] {
    self->run();
    std::lock_guard<std::mutex> lock(self->attended_mu_);
    self->attended_ = true;
    self->attended_cv_.notify_all();
  });
}

void RunningFrame::join() {
  std::unique_lock<std::mutex> lock(attended_mu_);
  attended_cv_.wait(lock, [this] { return !started_ || attended_; });
}

void RunningFrame::wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof(one));
  (void)ignored;
}

void RunningFrame::kill(const std::string& message, KillReason reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!kill_requested_) {
      kill_requested_ = true;
      kill_reason_ = reason;
    }
    if (kill_message_.empty()) kill_message_ = message;
  }
  common::logger("rqd")->info("frame {}/{} ({}): kill requested: {}", spec_.job_name,
                              spec_.frame_name, spec_.frame_id, message);
  wake();
}

pid_t RunningFrame::pid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pid_;
}

RunningFrameView RunningFrame::view() const {
  std::lock_guard<std::mutex> lock(mu_);
  RunningFrameView v;
  v.spec = spec_;
  v.spec.pid = pid_;
  v.usage = usage_;
  v.started_at = started_at_;
  return v;
}

void RunningFrame::withSpec(const std::function<void(const FrameSpec&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  fn(spec_);
}

std::vector<int> RunningFrame::collectProcesses() {
  ProcKey root;
  std::set<ProcKey> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    root = {pid_, root_starttime_};
    known = known_;
  }
  std::shared_ptr<FrameCgroup> cg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cg = cgroup_;
  }
  // In a cgroup no process can leave, an empty cgroup is a frame with nothing left: no
  // need to scan every process of the host, the common case once the shell has exited.
  if (cg && cg->empty()) return {};
  ProcessTable table = scanProcesses(options_.proc_root);
  std::vector<int> pids = frameProcesses(table, root, known);
  addCgroupProcesses(table, &pids);
  std::vector<int> live;
  std::lock_guard<std::mutex> lock(mu_);
  for (int pid : pids) {
    const ProcStat& st = table.at(pid);
    known_.insert({pid, st.starttime});
    if (st.state != 'Z' && st.state != 'X') live.push_back(pid);
  }
  return live;
}

void RunningFrame::addCgroupProcesses(const ProcessTable& table, std::vector<int>* pids) {
  std::shared_ptr<FrameCgroup> cg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cg = cgroup_;
  }
  if (!cg) return;
  std::set<int> have(pids->begin(), pids->end());
  for (int pid : cg->pids())
    if (table.count(pid) && have.insert(pid).second) pids->push_back(pid);
}

std::vector<int> RunningFrame::prepareCgroup() {
  if (!options_.cgroups || options_.cgroups->mode() == CgroupMode::kNone) return {};
  MemoryKb limit = spec_.hard_memory_limit > 0 ? spec_.hard_memory_limit
                   : spec_.soft_memory_limit > 0
                       ? spec_.soft_memory_limit + options_.memory_margin_kb
                       : 0;
  // Named by host and frame: rqds sharing a machine (tests, simulations) never share one, and
  // a retry of the frame on another host is another cgroup.
  auto cg =
      options_.cgroups->createFrame(absl::StrCat(options_.hostname, "_", spec_.frame_id), limit);
  if (!cg.ok()) {
    common::logger("rqd")->warn("frame {}/{}: no cgroup ({}); tracking its process tree",
                                spec_.job_name, spec_.frame_name,
                                std::string(cg.status().message()));
    return {};
  }
  std::vector<int> fds;
  for (const auto& path : (*cg)->procsFiles()) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      common::logger("rqd")->warn("frame {}/{}: cannot open {}: {}; tracking its process tree",
                                  spec_.job_name, spec_.frame_name, path, std::strerror(errno));
      for (int f : fds) ::close(f);
      return {};
    }
    fds.push_back(fd);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cgroup_ = std::move(*cg);
  return fds;
}

void RunningFrame::signalTree(int sig) {
  std::vector<int> pids = collectProcesses();
  pid_t root = pid();
  if (root > 1) ::killpg(root, sig);  // the shell's group, should the scan have missed one
  int n = signalProcesses(pids, sig);
  common::logger("rqd")->info("frame {}/{}: sent signal {} to {} process(es)", spec_.job_name,
                              spec_.frame_name, sig, n);
}

void RunningFrame::sample(const ProcessTable& table, const PssReader& pss, double interval_s,
                          EpochSec now) {
  ProcKey root;
  std::set<ProcKey> known;
  std::string log_path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pid_ <= 0 || finished_) return;
    root = {pid_, root_starttime_};
    known = known_;
    log_path = spec_.log_dir_file;
  }
  std::vector<int> pids = frameProcesses(table, root, known);
  addCgroupProcesses(table, &pids);
  TreeUsage u = sumUsage(table, pids, pss);
  std::shared_ptr<FrameCgroup> cg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cg = cgroup_;
  }
  if (cg) u.cpu_seconds = std::max(u.cpu_seconds, cg->cpuSeconds());
  const MemoryKb cgroup_peak = cg ? cg->memoryPeak() : 0;
  EpochSec llu = fileMtime(log_path);
  const int64_t io = hung_s_ > 0 ? ioBytes(options_.proc_root, pids) : 0;
  std::string kill_why;
  KillReason reason = KillReason::kMemory;
  MemoryKb limit = spec_.hard_memory_limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int pid : pids) known_.insert({pid, table.at(pid).starttime});
    usage_.rss = u.rss;
    usage_.pss = u.pss;
    usage_.vsize = u.vsize;
    usage_.max_rss = std::max(usage_.max_rss, u.rss);
    usage_.max_pss = std::max(usage_.max_pss, u.pss);
    usage_.max_vsize = std::max(usage_.max_vsize, u.vsize);
    if (last_cpu_seconds_ >= 0 && interval_s > 0) {
      usage_.pcpu = std::max(0.0, (u.cpu_seconds - last_cpu_seconds_) / interval_s * 100.0);
    }
    last_cpu_seconds_ = u.cpu_seconds;
    usage_.cpu_seconds = std::max(usage_.cpu_seconds, u.cpu_seconds);
    usage_.num_processes = u.num_processes;
    if (llu > 0) usage_.llu_time = llu;
    // Progress: the log was written, CPU was used (more than a hundredth of a second), or
    // bytes were read or written since the last sign of it.
    if (last_progress_ == 0 || llu > progress_llu_ || u.cpu_seconds > progress_cpu_ + 0.01 ||
        io != progress_io_) {
      last_progress_ = std::max(now, started_at_);
      progress_llu_ = std::max(progress_llu_, llu);
      progress_cpu_ = u.cpu_seconds;
      progress_io_ = io;
    }
    // The soft limit: memory past what was booked is said once (the cgroup cap is the hard
    // one).
    if (cg && !warned_over_booked_ && spec_.soft_memory_limit > 0 &&
        u.rss > spec_.soft_memory_limit) {
      warned_over_booked_ = true;
      common::logger("rqd")->warn(
          "frame {}/{} uses {} KB, more than the {} KB booked (cgroup peak {} KB)", spec_.job_name,
          spec_.frame_name, u.rss, spec_.soft_memory_limit, cgroup_peak);
    }
    if (limit > 0 && u.rss > limit) {
      kill_why = absl::StrCat("memory use ", u.rss, " KB exceeds the hard limit of ", limit, " KB");
    } else if (timeout_s_ > 0 && started_at_ > 0 && now - started_at_ > timeout_s_) {
      reason = KillReason::kTimeout;
      kill_why = absl::StrCat("ran ", now - started_at_, " s, longer than the layer's timeout of ",
                              timeout_s_, " s");
    } else if (hung_s_ > 0 && now - last_progress_ >= hung_s_) {
      reason = KillReason::kHung;
      kill_why = absl::StrCat("hung: no log output, CPU time or I/O for ", now - last_progress_,
                              " s (the layer's timeout_llu is ", hung_s_, " s)");
    }
  }
  if (!kill_why.empty()) kill(kill_why, reason);
}

void RunningFrame::run() {
  absl::StatusOr<FrameUser> user = options_.users != nullptr
                                       ? options_.users->get(spec_, options_.as_root)
                                       : resolveFrameUser(spec_, options_.as_root);
  if (!user.ok()) return failLaunch(std::string(user.status().message()));
  absl::StatusOr<OpenedLog> log = openLog(*user);
  if (!log.ok()) return failLaunch(std::string(log.status().message()));
  SpawnSpec spawn = spawnSpecFor(*user, *log);
  spawn.cgroup_fds = prepareCgroup();
  auto close_cgroup_fds = [&spawn] {
    for (int fd : spawn.cgroup_fds) ::close(fd);
    spawn.cgroup_fds.clear();
  };
  writeHeader(spawn, *log);
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (kill_requested_) {
      std::string why = absl::StrCat("killed before launch: ", kill_message_);
      // NIMBY's kill keeps its meaning (requeued without a retry); others end as a SIGTERM.
      const bool nimby = kill_reason_ == KillReason::kNimby;
      lock.unlock();
      close_cgroup_fds();
      return failLaunch(why, nimby ? kExitNimby : 1, nimby ? 0 : SIGTERM);
    }
  }
  absl::StatusOr<pid_t> pid = spawnFrame(spawn);
  close_cgroup_fds();
  if (!pid.ok()) return failLaunch(std::string(pid.status().message()));
  {
    struct rusage self {};
    ::getrusage(RUSAGE_SELF, &self);
    std::lock_guard<std::mutex> lock(mu_);
    rqd_maxrss_at_spawn_ = self.ru_maxrss;
  }
  markStarted(*pid, *user);

  struct rusage ru {};
  int status = waitForShell(*pid, &ru);
  reapLeftovers();
  FrameCompletion c = completionFor(status, ru);
  writeFooter(c, ru);
  {
    std::lock_guard<std::mutex> lock(mu_);
    cgroup_.reset();  // its processes are gone: the directories go too
  }
  common::logger("rqd")->info(
      "frame {}/{} ({}) ended: exit status {}, signal {}, {} s, max rss {} KB", spec_.job_name,
      spec_.frame_name, spec_.frame_id, c.exit_status, c.exit_signal, c.run_time, c.usage.max_rss);
  finish(std::move(c));
}

void RunningFrame::failLaunch(const std::string& why, int exit_status, int exit_signal) {
  common::logger("rqd")->error("frame {}/{} ({}) failed to launch: {}", spec_.job_name,
                               spec_.frame_name, spec_.frame_id, why);
  if (log_fd_ >= 0) writeAll(log_fd_, absl::StrCat("rqd: failed to launch the frame: ", why, "\n"));
  FrameCompletion c;
  c.exit_status = exit_status;
  c.exit_signal = exit_signal;
  c.kill_message = why;
  finish(std::move(c));
}

absl::StatusOr<OpenedLog> RunningFrame::openLog(const FrameUser& user) {
  LogOwner owner{user.switch_user, user.uid, user.gid, user.groups};
  absl::StatusOr<OpenedLog> opened = openFrameLog(spec_, options_.log_root, owner);
  if (!opened.ok()) return opened;
  log_fd_ = opened->fd;
  {
    std::lock_guard<std::mutex> lock(mu_);
    spec_.log_dir_file = opened->path;
  }
  if (!opened->fallback_reason.empty()) {
    common::logger("rqd")->warn("frame {}/{}: log_dir unusable ({}), logging to {}", spec_.job_name,
                                spec_.frame_name, opened->fallback_reason, opened->path);
  }
  return opened;
}

SpawnSpec RunningFrame::spawnSpecFor(const FrameUser& user, const OpenedLog& log) const {
  FrameEnvContext ctx;
  ctx.hostname = options_.hostname;
  ctx.user = user.name;
  ctx.home = user.home;
  ctx.tmp_dir = options_.tmp_dir;
  if (const char* tz = std::getenv("TZ")) ctx.timezone = tz;
  ctx.log_path = log.path;
  ctx.log_fell_back = !log.fallback_reason.empty();
  ctx.cpus = cpus_;
  ctx.hyperthreading_multiplier = options_.hyperthreading_multiplier;

  SpawnSpec spawn;
  spawn.command = spec_.command;
  spawn.env = buildFrameEnv(spec_, ctx);
  spawn.cwd = options_.tmp_dir;
  spawn.output_fd = log_fd_;
  spawn.user = user;
  spawn.cpus = cpus_;
  spawn.nice = options_.frame_nice;
  return spawn;
}

void RunningFrame::writeHeader(const SpawnSpec& spawn, const OpenedLog& log) {
  LogHeader header;
  header.hostname = options_.hostname;
  header.user = spawn.user.name;
  header.uid = spawn.user.uid;
  header.gid = spawn.user.gid;
  header.cwd = spawn.cwd;
  header.log_path = log.path;
  header.start_time = nowSeconds();
  header.cpus = cpus_;
  writeAll(log_fd_, formatHeader(header, spec_, spawn.env));
  if (!log.fallback_reason.empty()) {
    writeAll(log_fd_, absl::StrCat("rqd: log_dir unusable (", log.fallback_reason,
                                   "); logging here instead\n"));
  }
}

void RunningFrame::markStarted(pid_t pid, const FrameUser& user) {
  const EpochSec started_at = nowSeconds();
  const uint64_t starttime = startTimeOf(options_.proc_root, pid);
  if (callbacks_.on_started) callbacks_.on_started(*this, pid, starttime, started_at);
  {
    std::lock_guard<std::mutex> lock(mu_);
    pid_ = pid;
    started_at_ = started_at;
    root_starttime_ = starttime;
    known_.insert({pid, starttime});
  }
  common::logger("rqd")->info("frame {}/{} ({}) started: pid {}, user {} ({}), cores {}, log {}",
                              spec_.job_name, spec_.frame_name, spec_.frame_id, pid, user.name,
                              user.uid, spec_.num_cores, spec_.log_dir_file);
}

RunningFrame::KillStep RunningFrame::nextKillStep(bool term_sent) {
  KillStep step;
  std::lock_guard<std::mutex> lock(mu_);
  if (!kill_requested_) return step;
  if (!term_sent) {
    step.term = true;
    kill_at_ = Clock::now();
  }
  if (!escalated_) {
    step.deadline = kill_at_ + options_.kill_grace;
    if (Clock::now() >= step.deadline) {
      step.kill = true;
      escalated_ = true;
    }
  }
  return step;
}

void RunningFrame::waitForEvent(int pidfd, Clock::time_point deadline) {
  int timeout_ms = -1;
  if (deadline != Clock::time_point::max()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()) + 1);
  }
  if (pidfd < 0) timeout_ms = timeout_ms < 0 ? 50 : std::min(timeout_ms, 50);  // no pidfd: poll
  struct pollfd fds[2];
  int nfds = 0;
  if (wake_fd_ >= 0) fds[nfds++] = {wake_fd_, POLLIN, 0};
  if (pidfd >= 0) fds[nfds++] = {pidfd, POLLIN, 0};
  if (::poll(fds, nfds, timeout_ms) > 0 && wake_fd_ >= 0 && (fds[0].revents & POLLIN)) {
    uint64_t drained;
    ssize_t ignored = ::read(wake_fd_, &drained, sizeof(drained));
    (void)ignored;
  }
}

int RunningFrame::waitForShell(pid_t pid, struct rusage* ru) {
  const int pidfd = pidfdOpen(pid);
  bool term_sent = false;
  int status = 0;
  while (true) {
    pid_t r = ::wait4(pid, &status, WNOHANG, ru);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      common::logger("rqd")->error("frame {}: wait4({}) failed: {}", spec_.frame_id, pid,
                                   strerror(errno));
      status = 0;
      break;
    }
    KillStep step = nextKillStep(term_sent);
    if (step.term) {
      term_sent = true;
      signalTree(SIGTERM);
    }
    if (step.kill) signalTree(SIGKILL);
    waitForEvent(pidfd, step.kill ? Clock::time_point::max() : step.deadline);
  }
  if (pidfd >= 0) ::close(pidfd);
  std::lock_guard<std::mutex> lock(mu_);
  if (kill_requested_ && !term_sent) kill_at_ = Clock::now();  // the shell beat the signal
  return status;
}

FrameCompletion RunningFrame::completionFor(int status, const struct rusage& ru) {
  FrameCompletion c;
  if (WIFEXITED(status)) {
    c.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    c.exit_status = 1;  // OpenCue's RQD: a signal ends the frame with status 1 + the signal
    c.exit_signal = WTERMSIG(status);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (ru.ru_maxrss > rqd_maxrss_at_spawn_)  // else it may be rqd's own peak (see the header)
    usage_.max_rss = std::max<MemoryKb>(usage_.max_rss, ru.ru_maxrss);
  if (usage_.max_pss == 0) usage_.max_pss = usage_.max_rss;
  usage_.cpu_seconds = std::max(usage_.cpu_seconds, seconds(ru.ru_utime) + seconds(ru.ru_stime));
  if (kill_requested_) {
    c.kill_message = kill_message_;
    if (kill_reason_ == KillReason::kMemory) {
      c.exit_status = kExitMemoryFailure;
      c.exit_signal = kExitMemoryFailure;
    } else if (kill_reason_ == KillReason::kTimeout || kill_reason_ == KillReason::kHung ||
               kill_reason_ == KillReason::kNimby) {
      c.exit_status = kill_reason_ == KillReason::kTimeout ? kExitTimeout
                      : kill_reason_ == KillReason::kHung  ? kExitHung
                                                           : kExitNimby;
      c.exit_signal = 0;
    }
  }
  if (cgroup_) {
    usage_.cpu_seconds = std::max(usage_.cpu_seconds, cgroup_->cpuSeconds());
    // Only for a frame that failed on its own (or that rqd killed for memory): a child
    // killed for memory in a frame that still succeeded, or a frame someone killed, keeps
    // its own outcome.
    const bool own_failure = !kill_requested_ || kill_reason_ == KillReason::kMemory;
    if (own_failure && c.exit_status != 0 && cgroup_->oomKills() > 0) {
      // The kernel killed it at its cgroup's cap: report it as a memory failure with the real
      // peak, so that cuebot retries it with more memory.
      usage_.max_rss = std::max(usage_.max_rss, cgroup_->memoryPeak());
      c.exit_status = kExitMemoryFailure;
      c.exit_signal = kExitMemoryFailure;
      c.kill_message =
          absl::StrCat("out of memory: killed by the kernel at its cgroup's limit; peak ",
                       usage_.max_rss, " KB");
    }
  }
  c.usage = usage_;
  c.run_time = static_cast<int>(std::max<EpochSec>(0, nowSeconds() - started_at_));
  return c;
}

void RunningFrame::writeFooter(const FrameCompletion& c, const struct rusage& ru) {
  LogFooter footer;
  footer.hostname = options_.hostname;
  footer.exit_status = c.exit_status;
  footer.exit_signal = c.exit_signal;
  footer.kill_message = c.kill_message;
  footer.start_time = started_at_;
  footer.end_time = started_at_ + c.run_time;
  footer.usage = c.usage;
  footer.utime_s = seconds(ru.ru_utime);
  footer.stime_s = seconds(ru.ru_stime);
  writeAll(log_fd_, formatFooter(footer));
}

void RunningFrame::reapLeftovers() {
  const auto grace = options_.kill_grace;
  constexpr auto kGiveUpAfterKill = std::chrono::seconds(5);
  bool term_sent = false;
  Clock::time_point term_at;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kill_requested_) {
      term_sent = true;
      term_at = kill_at_;
    }
  }
  Clock::time_point killed_at = Clock::time_point::max();
  while (true) {
    std::vector<int> live = collectProcesses();
    if (live.empty()) return;
    const auto now = Clock::now();
    if (!term_sent) {
      common::logger("rqd")->info("frame {}/{}: {} process(es) outlived the frame's shell",
                                  spec_.job_name, spec_.frame_name, live.size());
      signalProcesses(live, SIGTERM);
      term_sent = true;
      term_at = now;
    } else if (now >= term_at + grace) {
      if (killed_at == Clock::time_point::max()) killed_at = now;
      signalProcesses(live, SIGKILL);
      if (now >= killed_at + kGiveUpAfterKill) {
        common::logger("rqd")->error("frame {}/{}: {} process(es) survive SIGKILL (pid {})",
                                     spec_.job_name, spec_.frame_name, live.size(), live[0]);
        return;
      }
    }
    struct pollfd pfd = {wake_fd_, POLLIN, 0};
    ::poll(&pfd, wake_fd_ >= 0 ? 1 : 0, 20);
  }
}

void RunningFrame::finish(FrameCompletion completion) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    completion.spec = spec_;
    completion.spec.pid = pid_;
    finished_ = true;
  }
  if (log_fd_ >= 0) {
    ::close(log_fd_);
    log_fd_ = -1;
  }
  if (callbacks_.on_finished) callbacks_.on_finished(*this, std::move(completion));
}

}  // namespace cue::rqd

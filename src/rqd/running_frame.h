// One frame on this host, from launch to completion, with the thread that attends it.
//
// The attendant thread, numbered:
//   1. resolves the user, opens the log (rotating an older one), writes the header;
//   2. forks the frame's shell (launcher.h) from this thread, which lives until the frame
//      ends, so PR_SET_PDEATHSIG kills the shell if rqd dies;
//   3. waits for the shell (pidfd + an eventfd for wake-ups), escalating a requested kill
//      from SIGTERM to SIGKILL after the grace period;
//   4. when the shell has exited, terminates processes the frame left behind (SIGTERM,
//      grace, SIGKILL), so no frame process outlives its frame;
//   5. writes the footer and hands the FrameCompletion to `on_finished`.
// A failure in 1 or 2 completes the frame with exit status 256 (OpenCue's failed launch).
//
// Thread-safety: every public method may be called from any thread. Callbacks run on the
// attendant thread with no RunningFrame lock held.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/attendant_pool.h"
#include "rqd/cgroup.h"
#include "rqd/frame_log.h"
#include "rqd/frame_types.h"
#include "rqd/launcher.h"
#include "rqd/machine.h"
#include "rqd/process_tree.h"
#include "rqd/user_cache.h"

namespace cue::rqd {

// Why rqd kills a frame; decides the exit codes reported.
enum class KillReason {
  kRequested,  // cuebot / a user asked (KillRunningFrame): the signal is reported
  kMemory,     // RSS above hard_memory_limit: exit status and signal 33
  kTimeout,    // ran past the layer's timeout: exit status kExitTimeout
  kHung,       // no progress for the layer's timeout_llu: exit status kExitHung
  kNimby,      // the host's user came back: exit status kExitNimby
  kShutdown,   // rqd is shutting down
};

class RunningFrame : public std::enable_shared_from_this<RunningFrame> {
 public:
  struct Options {
    std::string hostname;
    std::string log_root = "/tmp/rqd/logs";
    std::string tmp_dir = "/tmp";
    std::string proc_root = "/proc";
    std::chrono::milliseconds kill_grace{5000};
    int frame_nice = 0;    // SpawnSpec::nice
    bool as_root = false;  // rqd runs as root: drop to the job's user
    int hyperthreading_multiplier = 1;
    // Where the frame gets its own cgroup (null or kNone: process-tree tracking only), and
    // its memory cap there: the RunFrame's hard_memory_limit, else the memory booked
    // (soft_memory_limit) plus this margin.
    const Cgroups* cgroups = nullptr;
    MemoryKb memory_margin_kb = 1024 * 1024;
    // Where the frame's user is resolved; null = resolveFrameUser for every frame.
    FrameUserCache* users = nullptr;
  };
  struct Callbacks {
    // The shell was forked: its pid, /proc start time and start (epoch s). Called before
    // the pid shows in view(), so whatever it persists precedes anything seen outside.
    // Optional.
    std::function<void(RunningFrame&, pid_t pid, uint64_t root_starttime, EpochSec started_at)>
        on_started;
    // The frame is over; called exactly once, last thing the attendant does with rqd state.
    std::function<void(RunningFrame&, FrameCompletion)> on_finished;
  };

  // `cpus`: CPUs reserved for pinning (empty = none). Call start() to run it; the frame
  // must be owned by a shared_ptr (the attendant holds it while it runs).
  RunningFrame(FrameSpec spec, std::vector<int> cpus, Options options, Callbacks callbacks);
  ~RunningFrame();
  RunningFrame(const RunningFrame&) = delete;
  RunningFrame& operator=(const RunningFrame&) = delete;

  // Starts the attendant on one of `pool`'s threads.
  void start(AttendantPool& pool);
  // Waits until the attendant has returned. Not from the attendant itself.
  void join();

  // Asks for the frame's processes to end: SIGTERM to the whole tree now, SIGKILL after the
  // grace period. The first reason and non-empty message win. No-op once the frame ended.
  void kill(const std::string& message, KillReason reason);

  // Takes one resource sample from `table` (a scan of /proc shared by all frames): the
  // frame's processes, their RSS/PSS/vsize/CPU, maxima, the log's mtime. Kills the frame
  // when RSS exceeds a positive hard_memory_limit (kMemory), when it has run longer than
  // the kAttrTimeoutSeconds attribute (kTimeout), or when neither its log, its CPU time nor
  // its I/O moved for kAttrHungSeconds (kHung). `now`: epoch seconds.
  void sample(const ProcessTable& table, const PssReader& pss, double interval_s, EpochSec now);

  // Takes the use of this frame's GPUs (`gpus`, the indices it was given) from `use`, the
  // host's GPUs now: memory used on them (and its maximum) and their mean utilisation. A
  // frame whose GPUs `use` does not list keeps what it had.
  void sampleGpus(const std::vector<GpuUse>& use, const std::vector<int>& gpus);
  // CPU use over the last sample interval, in percent of one core.
  double pcpu() const;

  const std::string& frameId() const { return spec_.frame_id; }
  // The frame as reports show it (spec with pid, log path and CPU_LIST, usage).
  RunningFrameView view() const;
  // Runs fn with the frame's spec under the frame's lock, for what needs a few of its
  // fields and not a copy of its environment and attributes.
  void withSpec(const std::function<void(const FrameSpec&)>& fn) const;
  pid_t pid() const;
  bool finished() const { return finished_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  // What the attendant must do about a requested kill now.
  struct KillStep {
    bool term = false;                                      // send SIGTERM to the tree
    bool kill = false;                                      // grace is over: send SIGKILL
    Clock::time_point deadline = Clock::time_point::max();  // when SIGKILL is due
  };

  void run();  // the attendant (steps in the class comment)
  void failLaunch(const std::string& why, int exit_status = kExitFailedLaunch, int exit_signal = 0);
  absl::StatusOr<OpenedLog> openLog(const FrameUser& user);
  SpawnSpec spawnSpecFor(const FrameUser& user, const OpenedLog& log) const;
  void writeHeader(const SpawnSpec& spawn, const OpenedLog& log);
  void markStarted(pid_t pid, const FrameUser& user);
  // Waits for the shell to exit, signalling the tree as a kill request requires; returns
  // the wait status.
  int waitForShell(pid_t pid, struct rusage* ru);
  KillStep nextKillStep(bool term_sent);
  // Sleeps until the shell exits (pidfd), kill() wakes us, or `deadline`.
  void waitForEvent(int pidfd, Clock::time_point deadline);
  // Ends processes that outlived the shell: SIGTERM, grace, SIGKILL.
  void reapLeftovers();
  FrameCompletion completionFor(int status, const struct rusage& ru);
  void writeFooter(const FrameCompletion& c, const struct rusage& ru);
  void finish(FrameCompletion completion);
  // A /proc scan of the frame's live processes now, adding them to known_. Needs mu_
  // unlocked.
  std::vector<int> collectProcesses();
  // Makes the frame's cgroup and opens what the child writes to join it; {} without one.
  std::vector<int> prepareCgroup();
  // The frame's processes: the tree walk's, and its cgroup's (pids in `table` only).
  void addCgroupProcesses(const ProcessTable& table, std::vector<int>* pids);
  void signalTree(int sig);
  void wake();

  const Options options_;
  const Callbacks callbacks_;
  FrameSpec spec_;  // log path, pid, attributes written under mu_ by the attendant
  const std::vector<int> cpus_;

  mutable std::mutex mu_;
  FrameUsage usage_;
  pid_t pid_ = 0;
  uint64_t root_starttime_ = 0;
  // rqd's own peak RSS (KB) just after the frame's shell was started. The shell shares
  // rqd's memory until it execs, and the kernel then counts rqd's peak as the shell's
  // ru_maxrss: a wait4 maxrss at or below this says nothing about the frame.
  long rqd_maxrss_at_spawn_ = 0;
  std::set<ProcKey> known_;  // every process seen in the frame
  EpochSec started_at_ = 0;
  bool kill_requested_ = false;
  KillReason kill_reason_ = KillReason::kRequested;
  std::string kill_message_;
  Clock::time_point kill_at_;  // when SIGTERM was sent
  bool escalated_ = false;     // SIGKILL sent
  // Timeouts from the spec's attributes (seconds, 0 = none), and the last sign of progress.
  int64_t timeout_s_ = 0;
  int64_t hung_s_ = 0;
  EpochSec last_progress_ = 0;
  EpochSec progress_llu_ = 0;
  double progress_cpu_ = -1;
  int64_t progress_io_ = -1;
  // Set (under mu_) before the shell starts, dropped once its processes are gone; readers
  // copy the pointer under mu_.
  std::shared_ptr<FrameCgroup> cgroup_;
  bool warned_over_booked_ = false;
  double last_cpu_seconds_ = -1;

  int log_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> finished_{false};
  std::mutex attended_mu_;
  std::condition_variable attended_cv_;
  bool started_ = false;   // start() was called
  bool attended_ = false;  // the attendant has returned
};

}  // namespace cue::rqd

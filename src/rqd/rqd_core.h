// RqdCore: the host's state and rules, behind the gRPC service. It books cores, launches
// and kills frames, samples their resources, locks cores, and decides when rqd must exit.
// No protobuf here: the service and the reporter translate.
//
// Thread-safety: every public method may be called from any thread (gRPC handlers, the
// sampler, frame attendants). Lock order: RqdCore's mutex, then a RunningFrame's; a
// RunningFrame never calls back into RqdCore while holding its own lock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/cgroup.h"
#include "rqd/core_ledger.h"
#include "rqd/frame_types.h"
#include "rqd/machine.h"
#include "rqd/nimby.h"
#include "rqd/running_frame.h"
#include "rqd/spool.h"

namespace cue::rqd {

// What rqd must do once it may exit.
enum class ExitAction { kNone, kShutdown, kRestart };

// Who hears about what happens in RqdCore (the daemon: reports and exit).
class CoreListener {
 public:
  virtual ~CoreListener() = default;
  // Something cuebot must act on (locks, NIMBY, an exit on the way): send a status report
  // now. Must not block for long.
  virtual void onHostChanged() {}
  // A frame started or ended: cuebot learns of it from the launch reply and the completion
  // report, so a status report may wait a little and cover several. Must not block.
  virtual void onFramesChanged() {}
  // A frame ended; the completion must reach cuebot. Called once per frame, on the frame's
  // attendant thread, before its cores are released.
  virtual void onFrameCompleted(const FrameCompletion& completion) = 0;
  // rqd may now exit (or re-exec itself). Called once, without RqdCore's lock, possibly
  // from a gRPC handler: must not block (set a flag, wake main).
  virtual void onExitRequested(ExitAction action) {}
};

// The hardware tag a host with GPUs reports besides its configured tags.
inline constexpr char kGpuTag[] = "gpu";

struct RqdCoreOptions {
  std::string hostname;
  std::string address;  // what cuebot dials; reported with the port as rqd_address
  std::string facility = "local";
  std::vector<std::string> tags = {"general"};  // plus kGpuTag while the host has GPUs
  std::string os = "Linux";
  int slots = 0;  // concurrent frame slots offered, reported as attributes["slots"]; 0 = none
  bool report_load = true;  // false: report a load of 0 (rqds sharing one machine)
  std::string log_root = "/tmp/rqd/logs";
  std::vector<std::string> log_roots;  // where a RunFrame.log_dir may lie, besides log_root
  std::string tmp_dir = "/tmp";
  std::string proc_root = "/proc";
  std::string spool_dir;  // running-frame records go to <spool_dir>/running; empty = none
  std::chrono::milliseconds sample_interval{5000};
  std::chrono::milliseconds kill_grace{5000};
  int frame_nice = 0;     // added to the frames' niceness (SpawnSpec::nice)
  bool pin_cores = true;  // ignored when the machine's core count is overridden
  bool as_root = false;   // run frames as their job's user (rqd must be root)
  // A cgroup per frame (cgroup.h); off by default here, on in the daemon (rqd --no-cgroups).
  CgroupConfig cgroups{.enabled = false};
  MemoryKb memory_margin_kb = 1024 * 1024;  // a frame's cap: the memory booked plus this
  // NIMBY (nimby.h): where idle time comes from (null: rqd does not watch for users), the
  // idle seconds below which the host is NIMBY-locked, and whether NIMBY starts on.
  std::shared_ptr<IdleSource> idle_source;
  double nimby_idle_s = 900;
  bool nimby_at_start = false;
  // Non-frame CPU use that keeps a NIMBY-locked host locked (nimby.h): busy time from
  // `busy_source` (null: not watched) minus the frames' own, above `nimby_max_load`
  // percent of the host's CPUs. 0 turns the check off.
  std::shared_ptr<CpuBusySource> busy_source;
  double nimby_max_load = 50;
};

class RqdCore {
 public:
  // How frames are tracked: "cgroup v1", "cgroup v2" or "process trees" (cgroup.h).
  CgroupMode trackingMode() const { return cgroups_.mode(); }
  const std::string& trackingDescription() const { return cgroups_.description(); }
  // `machine` must outlive the core; `listener` too (may be null in tests).
  RqdCore(RqdCoreOptions options, const Machine& machine, CoreListener* listener);
  ~RqdCore();  // stop()
  RqdCore(const RqdCore&) = delete;
  RqdCore& operator=(const RqdCore&) = delete;

  // The port rqd's server listens on, reported in attributes (rqd_port, rqd_address).
  void setAdvertisedPort(int port);

  // Starts the sampler thread.
  void start();
  // Kills every frame (SIGTERM, grace, SIGKILL), waits for them to end and stops the
  // sampler. Completions still go to the listener. Idempotent.
  void stop();

  // Starts `spec`. OK once the frame is booked and its attendant runs; a frame that then
  // fails to start is completed with exit status 256. Errors:
  //   INVALID_ARGUMENT    uid 0 ("refusing to run frame <name> as root (uid 0)"), no
  //                       frame_id, no command, num_cores <= 0;
  //   FAILED_PRECONDITION host locked or nimby-locked, rqd shutting down / not UP,
  //                       or fewer idle cores than num_cores;
  //   ALREADY_EXISTS      the frame_id already runs here.
  absl::Status launchFrame(FrameSpec spec);

  // Kills a frame's whole process tree (SIGTERM, then SIGKILL after the grace period). OK
  // for an unknown frame id (it ended already), as OpenCue's RQD.
  absl::Status killFrame(const std::string& frame_id, const std::string& message);

  // A running frame; NOT_FOUND when it does not run here.
  absl::StatusOr<RunningFrameView> frame(const std::string& frame_id) const;
  std::vector<RunningFrameView> frames() const;
  // Attendant threads of ended frames not joined yet (each holds its stack until then).
  size_t unjoinedAttendants() const;

  // Core locks in core units. Unlock and UnlockAll also cancel a pending shutdown/restart
  // when idle and set the host UP again (OpenCue's behaviour).
  void lock(CoreUnits cores);
  void lockAll();
  void unlock(CoreUnits cores);
  void unlockAll();
  // NIMBY is recorded and reported only: rqd does not watch for desktop users.
  void nimbyOn();
  void nimbyOff();
  // One NIMBY look at the idle source (the sampler's step): locks the host and kills its
  // frames (but those with ignore_nimby) when someone uses it, unlocks when idle long enough.
  void nimbyCheck();

  // Now: lock all cores, kill every frame, exit once they have ended. Idle: lock all cores,
  // exit once running frames have ended.
  void shutdownNow();
  void shutdownIdle();
  void restartNow();
  void restartIdle();
  ExitAction exitAction() const;

  // The host, its cores and frames now (reads /proc/meminfo and loadavg, probes the GPUs).
  HostSnapshot snapshot() const;
  // The host alone, as a completion report carries it: without a copy of every running
  // frame's view (needed only where the host's memory is set by hand).
  HostInfo host() const;

  // One resource sample of every running frame now (the sampler's step).
  void sampleNow();
  // The same, as if the wall clock read `now` (epoch seconds): timeouts are tested with it.
  void sampleAt(EpochSec now);

  // Waits until no frame runs or `timeout` passes; true when none runs.
  bool waitUntilIdle(std::chrono::milliseconds timeout) const;

  // Cleans up after frames that were running when rqd last stopped (records under
  // <spool_dir>/running): kills their leftover processes and returns a completion for each
  // (exit status 1, signal 9: they died with rqd). Call once, before start().
  std::vector<FrameCompletion> recoverLostFrames();

 private:
  // Checks what needs no host state (INVALID_ARGUMENT cases of launchFrame).
  absl::Status validate(const FrameSpec& spec) const;
  // FAILED_PRECONDITION / ALREADY_EXISTS cases of launchFrame except cores. Needs mu_.
  absl::Status hostAcceptsLocked(const FrameSpec& spec) const;
  std::shared_ptr<RunningFrame> makeFrame(FrameSpec spec, std::vector<int> cpus);
  // Persists a running-frame record (pid 0 = not forked yet).
  void recordRunning(const RunningFrame& frame, pid_t pid, uint64_t root_starttime,
                     EpochSec started_at);
  void onStarted(RunningFrame& frame, pid_t pid, uint64_t root_starttime, EpochSec started_at);
  void onFinished(RunningFrame& frame, FrameCompletion completion);
  void beginExit(ExitAction action, bool now);
  // The exit to announce now (frames gone, not yet announced), else kNone. Needs mu_.
  ExitAction takeExitLocked();
  void notifyExit(ExitAction action);  // without mu_; no-op for kNone
  // Joins the attendants of frames that ended; with trim_when_idle, gives the heap's free
  // memory back once no frame is left.
  void joinFinished(bool trim_when_idle = true);
  void samplerLoop();
  // Whether processes that are not frames keep the host busy (options_.busy_source). mu_ held.
  bool nimbyLoadedLocked();
  HostInfo hostInfo(const std::vector<RunningFrameView>& frames) const;
  void killAll(const std::string& message, KillReason reason);

  const RqdCoreOptions options_;
  const Machine& machine_;
  CoreListener* const listener_;
  std::unique_ptr<FileSpool> running_spool_;

  mutable std::mutex mu_;
  // The sampler's (a first frame, NIMBY on, stop) and waitUntilIdle's (the last frame
  // ended): apart, so that a frame's end wakes no sampler.
  std::condition_variable sampler_cv_;
  mutable std::condition_variable idle_cv_;
  CoreLedger ledger_;
  const Cgroups cgroups_;
  FrameUserCache users_;
  std::map<std::string, std::shared_ptr<RunningFrame>> frames_;
  std::map<std::string, std::vector<int>> gpus_held_;  // frame id -> GPU indices (under mu_)
  // The host's GPU indices as last probed (hostInfo refreshes them); own mutex, as
  // hostInfo runs without mu_.
  mutable std::mutex gpu_mu_;
  mutable std::optional<std::vector<int>> gpu_indices_;
  std::vector<int> gpuIndices() const;
  std::vector<std::shared_ptr<RunningFrame>> finished_;  // attendants to join
  core::HardwareState state_ = core::HardwareState::kUp;
  bool nimby_enabled_ = false;
  bool nimby_locked_ = false;
  ExitAction pending_exit_ = ExitAction::kNone;  // waiting for idle
  bool exit_notified_ = false;
  int port_ = 0;
  bool stopping_ = false;
  bool started_ = false;
  // The sampler sleeps without a timer (no frame runs): only then does a first frame wake
  // it. Between samples it waits out its interval, and a wake-up would only send it back.
  bool sampler_asleep_ = false;
  std::thread sampler_;
  // Last: destroyed first, while what the attendants use is still there.
  AttendantPool attendants_;
};

}  // namespace cue::rqd

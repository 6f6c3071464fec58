#include "rqd/rqd_core.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/status.h"
#include "rqd/frame_log.h"
#include "rqd/fs_user.h"
#include "rqd/launcher.h"
#include "rqd/log_reader.h"
#include "rqd/process_tree.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

std::vector<PhysicalCore> pinnableFor(const RqdCoreOptions& options, const Machine& machine) {
  if (!options.pin_cores || machine.statics().cores_overridden) return {};
  return pinnableCores(machine.statics().topology, machine.statics().allowed_cpus);
}

const char* actionName(ExitAction a) {
  switch (a) {
    case ExitAction::kNone:
      return "none";
    case ExitAction::kShutdown:
      return "shutdown";
    case ExitAction::kRestart:
      return "restart";
  }
  return "?";
}

}  // namespace

RqdCore::RqdCore(RqdCoreOptions options, const Machine& machine, CoreListener* listener)
    : options_(std::move(options)),
      machine_(machine),
      listener_(listener),
      ledger_(machine.statics().total_cores, pinnableFor(options_, machine)),
      cgroups_(Cgroups::open(options_.cgroups)) {
  nimby_enabled_ = options_.nimby_at_start;
  if (absl::Status s = prepareLogRoot(options_.log_root, options_.as_root); !s.ok()) {
    common::logger("rqd")->error("frames whose log_dir is unusable will fail to launch: {}",
                                 s.ToString());
  }
  if (!options_.spool_dir.empty()) {
    // Not fsynced: the record lets a restarted rqd report frames it lost; a host that
    // crashes loses its frames with it, and cuebot requeues them when it boots again.
    running_spool_ = std::make_unique<FileSpool>(options_.spool_dir + "/running", /*sync=*/false);
    absl::Status s = running_spool_->init();
    if (!s.ok()) {
      common::logger("rqd")->error("cannot use the spool for running frames: {}", s.ToString());
      running_spool_.reset();
    }
  }
}

RqdCore::~RqdCore() { stop(); }

void RqdCore::setAdvertisedPort(int port) {
  std::lock_guard<std::mutex> lock(mu_);
  port_ = port;
}

void RqdCore::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  sampler_ = std::thread([this] { samplerLoop(); });
}

void RqdCore::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  killAll("rqd is stopping", KillReason::kShutdown);
  while (!waitUntilIdle(std::chrono::milliseconds(1000))) {
    common::logger("rqd")->info("waiting for frames to end before rqd stops");
  }
  sampler_cv_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  joinFinished();
}

void RqdCore::killAll(const std::string& message, KillReason reason) {
  std::vector<std::shared_ptr<RunningFrame>> frames;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, f] : frames_) frames.push_back(f);
  }
  for (auto& f : frames) f->kill(message, reason);
}

absl::Status RqdCore::validate(const FrameSpec& spec) const {
  if (spec.uid == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to run frame ", spec.frame_name, " as root (uid 0)"));
  }
  if (spec.frame_id.empty()) return absl::InvalidArgumentError("RunFrame has no frame_id");
  if (spec.command.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("frame ", spec.frame_name, " has no command"));
  }
  if (spec.num_cores <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame ", spec.frame_name, ": num_cores must be > 0, got ", spec.num_cores));
  }
  // The names make the log's file name; the log directory must lie under a log root.
  RETURN_IF_ERROR(checkPathName(spec.job_name, "job_name"));
  RETURN_IF_ERROR(checkPathName(spec.frame_name, "frame_name"));
  if (!spec.log_dir.empty()) {
    std::vector<std::string> roots = options_.log_roots;
    roots.push_back(options_.log_root);
    if (!underAnyRoot(spec.log_dir, roots))
      return absl::InvalidArgumentError(
          absl::StrCat("frame ", spec.frame_name, ": log_dir ", spec.log_dir,
                       " is not under this rqd's log roots (", absl::StrJoin(roots, ", "),
                       "); see rqd --log-roots"));
  }
  return absl::OkStatus();
}

absl::Status RqdCore::hostAcceptsLocked(const FrameSpec& spec) const {
  const std::string what = absl::StrCat("not launching ", spec.frame_name, ": ");
  if (stopping_ || pending_exit_ != ExitAction::kNone) {
    ExitAction a = pending_exit_ == ExitAction::kNone ? ExitAction::kShutdown : pending_exit_;
    return absl::FailedPreconditionError(absl::StrCat(what, "rqd is waiting to ", actionName(a)));
  }
  if (state_ != core::HardwareState::kUp) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, "host is ", std::string(core::toString(state_))));
  }
  if (nimby_locked_ && !spec.ignore_nimby) {
    return absl::FailedPreconditionError(absl::StrCat(what, "host is nimby locked"));
  }
  if (frames_.count(spec.frame_id)) {
    return absl::AlreadyExistsError(absl::StrCat("frame ", spec.frame_id, " (", spec.job_name,
                                                 ") already runs on ", options_.hostname));
  }
  return absl::OkStatus();
}

std::shared_ptr<RunningFrame> RqdCore::makeFrame(FrameSpec spec, std::vector<int> cpus) {
  RunningFrame::Options fo;
  fo.hostname = options_.hostname;
  fo.log_root = options_.log_root;
  fo.tmp_dir = options_.tmp_dir;
  fo.proc_root = options_.proc_root;
  fo.kill_grace = options_.kill_grace;
  fo.frame_nice = options_.frame_nice;
  fo.as_root = options_.as_root;
  fo.hyperthreading_multiplier = machine_.statics().topology.hyperthreading_multiplier;
  fo.cgroups = &cgroups_;
  fo.memory_margin_kb = options_.memory_margin_kb;
  fo.users = &users_;
  RunningFrame::Callbacks cb;
  cb.on_started = [this](RunningFrame& f, pid_t pid, uint64_t starttime, EpochSec at) {
    onStarted(f, pid, starttime, at);
  };
  cb.on_finished = [this](RunningFrame& f, FrameCompletion c) { onFinished(f, std::move(c)); };
  return std::make_shared<RunningFrame>(std::move(spec), std::move(cpus), fo, std::move(cb));
}

absl::Status RqdCore::launchFrame(FrameSpec spec) {
  RETURN_IF_ERROR(validate(spec));
  // Frames that ended are let go now, not at the sampler's next pass (a burst of short
  // frames held thousands), so that their attendants' threads are free for this one.
  joinFinished(/*trim_when_idle=*/false);
  const std::string id = spec.frame_id;
  const std::string name = spec.frame_name;
  std::shared_ptr<RunningFrame> frame;
  bool wake_sampler = false;
  const std::vector<int> host_gpus = gpuIndices();
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(hostAcceptsLocked(spec));
    // GPUs: a frame gets exactly the ones booked for it (CUDA_VISIBLE_DEVICES from
    // GPU_LIST, frame_env.h); on a GPU host a frame booked none sees none.
    std::vector<int> gpus;
    if (host_gpus.empty() && spec.num_gpus > 0)
      return absl::FailedPreconditionError(
          absl::StrCat("not launching ", name, ": it needs ", spec.num_gpus,
                       " GPUs and this host knows of none (is nvidia-smi working?)"));
    if (!host_gpus.empty()) {
      std::set<int> held;
      for (const auto& [other, list] : gpus_held_) held.insert(list.begin(), list.end());
      for (int g : host_gpus)
        if (static_cast<int>(gpus.size()) < spec.num_gpus && !held.contains(g)) gpus.push_back(g);
      if (static_cast<int>(gpus.size()) < spec.num_gpus)
        return absl::FailedPreconditionError(
            absl::StrCat("not launching ", name, ": it needs ", spec.num_gpus, " GPUs and ",
                         gpus.size(), " of this host's ", host_gpus.size(), " are free"));
      spec.attributes["GPU_LIST"] = absl::StrJoin(gpus, ",");
    }
    absl::StatusOr<CoreLedger::Reservation> r = ledger_.reserve(id, spec.num_cores);
    if (!r.ok()) {
      return absl::Status(r.status().code(),
                          absl::StrCat("not launching ", name, ": ", r.status().message()));
    }
    if (!gpus.empty()) gpus_held_[id] = gpus;
    frame = makeFrame(std::move(spec), r->cpus);
    wake_sampler = frames_.empty() && sampler_asleep_;
    frames_[id] = frame;
  }
  if (wake_sampler) sampler_cv_.notify_all();  // a first frame, and the sampler sleeps
  // Recorded before LaunchFrame answers, so a crash from here on still gets reported.
  recordRunning(*frame, 0, 0, common::SystemClock::instance().nowSeconds());
  // At debug: the frame's "started" line follows with its pid, user and log.
  common::logger("rqd")->debug("launching frame {} ({})", id, name);
  frame->start(attendants_);
  return absl::OkStatus();
}

void RqdCore::recordRunning(const RunningFrame& frame, pid_t pid, uint64_t root_starttime,
                            EpochSec started_at) {
  if (!running_spool_) return;
  std::string record;
  frame.withSpec([&](const FrameSpec& spec) {
    record = encodeRunningRecord(spec, pid, root_starttime, started_at);
  });
  absl::Status s = running_spool_->put(frame.frameId(), record);
  if (!s.ok()) common::logger("rqd")->warn("cannot record running frame: {}", s.ToString());
}

void RqdCore::onStarted(RunningFrame& frame, pid_t pid, uint64_t root_starttime,
                        EpochSec started_at) {
  recordRunning(frame, pid, root_starttime, started_at);
  if (listener_) listener_->onFramesChanged();
}

void RqdCore::onFinished(RunningFrame& frame, FrameCompletion completion) {
  const std::string id = frame.frameId();
  {
    // Cores and GPUs are free before cuebot hears of the end, so that it can book them at once.
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.release(id);
    gpus_held_.erase(id);
  }
  if (listener_) listener_->onFrameCompleted(completion);
  ExitAction exit = ExitAction::kNone;
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = frames_.find(id);
    if (it != frames_.end()) {
      finished_.push_back(it->second);
      frames_.erase(it);
    }
    if (running_spool_) running_spool_->remove(id).IgnoreError();
    exit = takeExitLocked();
    last = frames_.empty();
  }
  if (last) idle_cv_.notify_all();
  if (listener_) listener_->onFramesChanged();
  notifyExit(exit);
}

absl::Status RqdCore::killFrame(const std::string& frame_id, const std::string& message) {
  std::shared_ptr<RunningFrame> frame;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = frames_.find(frame_id);
    if (it != frames_.end()) frame = it->second;
  }
  if (!frame) {
    common::logger("rqd")->info("kill of frame {}: not running here (already ended)", frame_id);
    return absl::OkStatus();
  }
  frame->kill(message.empty() ? std::string("killed by request") : message, KillReason::kRequested);
  return absl::OkStatus();
}

absl::StatusOr<RunningFrameView> RqdCore::frame(const std::string& frame_id) const {
  std::shared_ptr<RunningFrame> frame;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = frames_.find(frame_id);
    if (it != frames_.end()) frame = it->second;
  }
  if (!frame) {
    return absl::NotFoundError(
        absl::StrCat("frame ", frame_id, " is not running on ", options_.hostname));
  }
  return frame->view();
}

std::vector<RunningFrameView> RqdCore::frames() const {
  std::vector<std::shared_ptr<RunningFrame>> list;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, f] : frames_) list.push_back(f);
  }
  std::vector<RunningFrameView> out;
  for (const auto& f : list) out.push_back(f->view());
  return out;
}

void RqdCore::lock(CoreUnits cores) {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = ledger_.lock(cores);
  }
  if (changed && listener_) listener_->onHostChanged();
}

void RqdCore::lockAll() {
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = ledger_.lockAll();
  }
  if (changed && listener_) listener_->onHostChanged();
}

void RqdCore::unlock(CoreUnits cores) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.unlock(cores);
    if (!stopping_ && !exit_notified_) {
      pending_exit_ = ExitAction::kNone;
      state_ = core::HardwareState::kUp;
    }
  }
  if (listener_) listener_->onHostChanged();
}

void RqdCore::unlockAll() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.unlockAll();
    if (!stopping_ && !exit_notified_) {
      pending_exit_ = ExitAction::kNone;
      state_ = core::HardwareState::kUp;
    }
  }
  if (listener_) listener_->onHostChanged();
}

void RqdCore::nimbyOn() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nimby_enabled_ = true;
  }
  sampler_cv_.notify_all();  // the sampler watches the idle source from now on
  common::logger("rqd")->info(options_.idle_source
                                  ? "nimby on: the host is locked while someone uses it"
                                  : "nimby on (recorded only: no idle source to watch users with)");
  if (listener_) listener_->onHostChanged();
  nimbyCheck();
}

void RqdCore::nimbyCheck() {
  if (!options_.idle_source) return;
  std::vector<std::shared_ptr<RunningFrame>> to_kill;
  NimbyAction action;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!nimby_enabled_) return;
    action = nimbyStep(nimby_locked_, options_.idle_source->idleSeconds(), options_.nimby_idle_s,
                       nimbyLoadedLocked());
    if (action == NimbyAction::kNone) return;
    nimby_locked_ = action == NimbyAction::kLock;
    if (nimby_locked_)
      for (const auto& [id, f] : frames_)
        if (!f->view().spec.ignore_nimby) to_kill.push_back(f);
  }
  common::logger("rqd")->info(
      "nimby: {} ({} frame(s) to requeue)",
      action == NimbyAction::kLock ? "someone uses the host: locked" : "idle again: unlocked",
      to_kill.size());
  for (const auto& f : to_kill)
    f->kill("NIMBY: someone is using this host; the frame goes back to the queue",
            KillReason::kNimby);
  if (listener_) listener_->onHostChanged();
}

bool RqdCore::nimbyLoadedLocked() {
  if (!options_.busy_source || options_.nimby_max_load <= 0) return false;
  std::optional<CpuBusy> busy = options_.busy_source->busy();
  if (!busy) return false;
  double frames = 0;  // CPUs' worth the frames used over their last sample interval
  for (const auto& [id, f] : frames_) frames += f->pcpu() / 100.0;
  const double others = std::max(0.0, busy->cores - frames);
  return others * 100.0 > options_.nimby_max_load * busy->cpus;
}

void RqdCore::nimbyOff() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nimby_enabled_ = false;
    nimby_locked_ = false;
  }
  if (listener_) listener_->onHostChanged();
}

void RqdCore::beginExit(ExitAction action, bool now) {
  common::logger("rqd")->warn("{} requested ({})", actionName(action), now ? "now" : "when idle");
  {
    std::lock_guard<std::mutex> lock(mu_);
    ledger_.lockAll();
    pending_exit_ = action;
    if (now) state_ = core::HardwareState::kDown;
  }
  if (listener_) listener_->onHostChanged();
  if (now) killAll(absl::StrCat("rqd ", actionName(action), " now"), KillReason::kShutdown);
  ExitAction exit = ExitAction::kNone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exit = takeExitLocked();
  }
  notifyExit(exit);
}

ExitAction RqdCore::takeExitLocked() {
  if (pending_exit_ == ExitAction::kNone || exit_notified_ || !frames_.empty()) {
    return ExitAction::kNone;
  }
  exit_notified_ = true;
  return pending_exit_;
}

void RqdCore::notifyExit(ExitAction action) {
  if (action != ExitAction::kNone && listener_) listener_->onExitRequested(action);
}

void RqdCore::shutdownNow() { beginExit(ExitAction::kShutdown, true); }
void RqdCore::shutdownIdle() { beginExit(ExitAction::kShutdown, false); }
void RqdCore::restartNow() { beginExit(ExitAction::kRestart, true); }
void RqdCore::restartIdle() { beginExit(ExitAction::kRestart, false); }

std::vector<int> RqdCore::gpuIndices() const {
  {
    std::lock_guard<std::mutex> lock(gpu_mu_);
    if (gpu_indices_) return *gpu_indices_;
  }
  std::vector<int> indices;  // no report yet: probe now
  for (const GpuDevice& d : machine_.sample().gpus.devices) indices.push_back(d.index);
  std::lock_guard<std::mutex> lock(gpu_mu_);
  if (!indices.empty()) gpu_indices_ = indices;
  return indices;
}

ExitAction RqdCore::exitAction() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_exit_;
}

HostInfo RqdCore::hostInfo(const std::vector<RunningFrameView>& frames) const {
  const MachineStatic& st = machine_.statics();
  MachineDynamic dyn = machine_.sample();
  HostInfo h;
  h.name = options_.hostname;
  h.facility = options_.facility;
  h.tags = options_.tags;
  h.num_procs = std::max(1, st.num_procs);
  h.cores_per_proc = st.total_cores / h.num_procs;
  h.total_mem = st.total_mem;
  h.free_mem = dyn.free_mem;
  if (st.memory_overridden) {
    MemoryKb used = 0;
    for (const RunningFrameView& f : frames) used += f.usage.rss;
    h.free_mem = std::max<MemoryKb>(0, st.total_mem - used);
  }
  h.total_swap = st.total_swap;
  h.free_swap = dyn.free_swap;
  h.total_mcp = st.total_mcp;
  h.free_mcp = dyn.free_mcp;
  h.load = options_.report_load ? dyn.load : 0;
  h.boot_time = st.boot_time;
  if (!dyn.gpus.devices.empty()) {
    // A probe that fails (nvidia-smi hanging, ...) lists none: keep the last good list, so
    // GPU frames stay confined to their own GPUs meanwhile.
    std::vector<int> indices;
    for (const GpuDevice& d : dyn.gpus.devices) indices.push_back(d.index);
    std::lock_guard<std::mutex> lock(gpu_mu_);
    gpu_indices_ = std::move(indices);
  }
  h.num_gpus = dyn.gpus.count;
  h.total_gpu_mem = dyn.gpus.total_mem;
  h.free_gpu_mem = dyn.gpus.free_mem;
  if (h.num_gpus > 0 && std::find(h.tags.begin(), h.tags.end(), kGpuTag) == h.tags.end()) {
    h.tags.push_back(kGpuTag);
  }
  h.attributes["SP_OS"] = options_.os;
  // Cue's rqd lists ended frames until cuebot acknowledges them ("cue_completed"), so a
  // frame it leaves out neither runs nor has a completion on the way.
  h.attributes["cue_completions_listed"] = "true";
  if (options_.slots > 0) h.attributes["slots"] = absl::StrCat(options_.slots);
  h.attributes["os_release"] = st.os_release;
  h.attributes["hyperthreadingMultiplier"] = absl::StrCat(st.topology.hyperthreading_multiplier);
  std::lock_guard<std::mutex> lock(mu_);
  // Without --address, cuebot reaches the rqd at the address its reports come from.
  if (!options_.address.empty())
    h.attributes["rqd_address"] = absl::StrCat(options_.address, ":", port_);
  h.attributes["rqd_port"] = absl::StrCat(port_);
  h.nimby_enabled = nimby_enabled_;
  h.nimby_locked = nimby_locked_;
  h.state = state_;
  return h;
}

HostSnapshot RqdCore::snapshot() const {
  HostSnapshot s;
  s.frames = frames();
  s.host = hostInfo(s.frames);
  std::lock_guard<std::mutex> lock(mu_);
  s.cores = ledger_.counts();
  return s;
}

HostInfo RqdCore::host() const {
  return hostInfo(machine_.statics().memory_overridden ? frames()
                                                       : std::vector<RunningFrameView>{});
}

void RqdCore::sampleNow() { sampleAt(common::SystemClock::instance().nowSeconds()); }

void RqdCore::sampleAt(EpochSec now) {
  std::vector<std::shared_ptr<RunningFrame>> list;
  std::vector<std::pair<std::shared_ptr<RunningFrame>, std::vector<int>>> gpu_frames;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, f] : frames_) list.push_back(f);
    for (const auto& [id, gpus] : gpus_held_)
      if (auto it = frames_.find(id); it != frames_.end())
        gpu_frames.emplace_back(it->second, gpus);
  }
  if (list.empty()) return;
  ProcessTable table = scanProcesses(options_.proc_root);
  PssReader pss = smapsPssReader(options_.proc_root);
  double interval_s = std::chrono::duration<double>(options_.sample_interval).count();
  for (const auto& f : list) f->sample(table, pss, interval_s, now);
  if (!gpu_frames.empty()) {
    const std::vector<GpuUse> use = machine_.gpuUse();
    for (const auto& [f, gpus] : gpu_frames) f->sampleGpus(use, gpus);
  }
}

size_t RqdCore::unjoinedAttendants() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_.size();
}

void RqdCore::joinFinished(bool trim_when_idle) {
  std::vector<std::shared_ptr<RunningFrame>> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done.swap(finished_);
  }
  for (auto& f : done) f->join();
  if (done.empty()) return;
  done.clear();  // the frames' last references: their memory is free from here
  if (!trim_when_idle) return;
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle = frames_.empty() && finished_.empty();
  }
  // The host has gone idle: give the heap's free memory back, so that an rqd at rest holds
  // what it needs at rest, not what its busiest minute needed.
  if (idle) ::malloc_trim(0);
}

void RqdCore::samplerLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // Asleep, without a timer, while there is nothing to watch: an idle host costs no CPU.
      sampler_asleep_ = true;
      sampler_cv_.wait(lock, [this] {
        return stopping_ || !frames_.empty() || !finished_.empty() || nimby_enabled_;
      });
      sampler_asleep_ = false;
      sampler_cv_.wait_for(lock, options_.sample_interval,
                           [this] { return stopping_ && frames_.empty(); });
      if (stopping_ && frames_.empty()) return;
    }
    joinFinished();
    nimbyCheck();
    sampleNow();
  }
}

bool RqdCore::waitUntilIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return frames_.empty(); });
}

std::vector<FrameCompletion> RqdCore::recoverLostFrames() {
  std::vector<FrameCompletion> out;
  if (!running_spool_) return out;
  auto log = common::logger("rqd");
  const EpochSec now = common::SystemClock::instance().nowSeconds();
  for (const auto& [key, text] : running_spool_->loadAll()) {
    absl::StatusOr<RunningRecord> rec = decodeRunningRecord(text);
    if (!rec.ok()) {
      log->warn("spool: dropping unreadable running record {}: {}", key, rec.status().ToString());
      running_spool_->remove(key).IgnoreError();
      continue;
    }
    ProcessTable table = scanProcesses(options_.proc_root);
    std::vector<int> pids =
        frameProcesses(table, ProcKey{rec->pid, rec->root_starttime}, std::set<ProcKey>{});
    if (!pids.empty()) {
      log->warn("frame {}/{}: killing {} process(es) left from before rqd restarted",
                rec->spec.job_name, rec->spec.frame_name, pids.size());
      signalProcesses(pids, SIGKILL);
    }
    FrameCompletion c;
    c.spec = rec->spec;
    c.exit_status = 1;
    c.exit_signal = SIGKILL;
    c.run_time = static_cast<int>(std::max<EpochSec>(0, now - rec->started_at));
    c.kill_message = "rqd stopped while the frame ran";
    if (!rec->spec.log_dir_file.empty()) {
      // The frame's user owns the log and its directory: it is appended to with that user's
      // rights, and never through a symlink or to anything but a regular file.
      std::unique_ptr<ScopedFsUser> as_user;
      absl::StatusOr<FrameUser> user = resolveFrameUser(rec->spec, options_.as_root);
      if (user.ok() && user->switch_user) {
        auto scope = ScopedFsUser::become(user->uid, user->gid, user->groups);
        if (scope.ok()) as_user = std::move(*scope);
      }
      int fd = (!user.ok() || (user->switch_user && !as_user))
                   ? -1
                   : ::open(rec->spec.log_dir_file.c_str(),
                            O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      struct stat st {};
      if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        fd = -1;
      }
      if (fd >= 0) {
        LogFooter footer;
        footer.hostname = options_.hostname;
        footer.exit_status = c.exit_status;
        footer.exit_signal = c.exit_signal;
        footer.kill_message = c.kill_message;
        footer.start_time = rec->started_at;
        footer.end_time = now;
        writeAll(fd, formatFooter(footer));
        ::close(fd);
      }
    }
    log->warn("frame {}/{} ({}) was lost when rqd stopped; reporting it as killed",
              rec->spec.job_name, rec->spec.frame_name, rec->spec.frame_id);
    out.push_back(std::move(c));
    running_spool_->remove(key).IgnoreError();
  }
  return out;
}

}  // namespace cue::rqd

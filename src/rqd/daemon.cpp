#include "rqd/daemon.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "rqd/gpu_probe.h"
#include "rqd/resident.h"
#include "wire/rqd_convert.h"
#include "wire/status.h"

namespace cue::rqd {
namespace {

// Idle gRPC server threads kept between calls (gRPC's default is 2; see Daemon::start).
constexpr int kServerThreadsKept = 8;

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

Daemon::Daemon(RqdConfig config) : config_(std::move(config)) {}

Daemon::~Daemon() { stop(); }

absl::Status Daemon::start() {
  auto log = common::logger("rqd");
  MachineOptions mo;
  mo.proc_root = config_.proc_root;
  mo.tmp_dir = config_.tmp_dir;
  mo.cores_override = config_.cores;
  mo.memory_mb_override = config_.memory_mb;
  std::unique_ptr<GpuProbe> gpu;
  if (config_.no_gpu) {
    gpu = std::make_unique<NoGpuProbe>();
  } else {
    NvidiaSmiOptions go;
    go.program = config_.nvidia_smi;
    gpu = std::make_unique<NvidiaSmiProbe>(go);
  }
  absl::StatusOr<std::unique_ptr<Machine>> machine = Machine::probe(mo, std::move(gpu));
  if (!machine.ok()) return machine.status();
  machine_ = std::move(*machine);

  RqdCoreOptions co;
  co.hostname = config_.hostname;
  co.address = config_.address;
  co.facility = config_.facility;
  co.tags = config_.tags;
  co.os = config_.os;
  co.slots = config_.slots;
  co.report_load = !config_.no_load;
  co.log_root = config_.log_root;
  co.log_roots = config_.log_roots;
  co.cgroups.root = config_.cgroup_root;
  co.cgroups.enabled = !config_.no_cgroups;
  co.memory_margin_kb = config_.memory_margin_mb * 1024;
  co.nimby_at_start = config_.nimby;
  co.nimby_idle_s = config_.nimby_idle_s;
  co.nimby_max_load = config_.nimby_max_load;
  co.busy_source = std::make_shared<ProcStatBusySource>(config_.proc_root + "/stat");
  if (!config_.idle_file.empty())
    co.idle_source = std::make_shared<FileIdleSource>(config_.idle_file);
  else
    co.idle_source = std::make_shared<InterruptsIdleSource>();
  co.tmp_dir = config_.tmp_dir;
  co.proc_root = config_.proc_root;
  co.spool_dir = config_.spool_dir;
  co.sample_interval = millis(config_.sample_interval_s);
  co.kill_grace = millis(config_.kill_grace_s);
  co.frame_nice = config_.frame_nice;
  co.pin_cores = config_.pin_cores;
  co.as_root = ::geteuid() == 0;
  core_ = std::make_unique<RqdCore>(co, *machine_, this);

  Reporter::Options ro;
  ro.targets = config_.cuebots;
  ro.interval = millis(config_.report_interval_s);
  ro.rpc_timeout = millis(config_.rpc_timeout_s);
  ro.retry_initial = millis(config_.retry_initial_s);
  ro.retry_max = millis(config_.retry_max_s);
  ro.spool_dir = config_.spool_dir;
  ro.spool_sync = config_.spool_sync;
  reporter_ = std::make_unique<Reporter>(ro, [this] { return core_->snapshot(); });
  if (absl::Status s = reporter_->init(); !s.ok()) return s;

  std::vector<FrameCompletion> lost = core_->recoverLostFrames();
  if (!lost.empty()) {
    HostInfo host = core_->host();
    for (const FrameCompletion& c : lost) {
      if (!reporter_->hasPendingCompletion(c.spec.frame_id)) reporter_->submitCompletion(c, host);
    }
  }

  std::vector<std::string> callers = config_.cuebots;
  callers.insert(callers.end(), config_.allow_callers.begin(), config_.allow_callers.end());
  callers_ = std::make_unique<CallerFilter>(callers);
  rqd_service_ = std::make_unique<RqdInterfaceService>(*core_, callers_.get());
  frame_service_ = std::make_unique<RunningFrameService>(*core_, callers_.get());
  launch_service_ = std::make_unique<RqdLaunchService>(*core_, callers_.get());
  log_service_ =
      std::make_unique<RqdLogService>(config_.log_root, config_.log_roots, callers_.get());
  grpc::ServerBuilder builder;
  // No SO_REUSEPORT: a second rqd on the same port must fail, not share the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Launches and kills are small: no bandwidth-delay probing (reporter.cpp).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // gRPC's synchronous server keeps at most 2 idle threads: with cuebot's launches, kills
  // and log reads coming together it started a thread for a call and ended it after, one
  // per 14 frames of a burst. The threads a burst needed now stay for the next (idle, they
  // wait in the kernel).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kServerThreadsKept);
  builder.AddListeningPort(absl::StrCat("0.0.0.0:", config_.port),
                           grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(rqd_service_.get());
  builder.RegisterService(frame_service_.get());
  builder.RegisterService(launch_service_.get());
  builder.RegisterService(log_service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot listen on port ", config_.port));
  }
  core_->setAdvertisedPort(port_);
  log->info("rqd {} tracks frames with {} ({})", config_.hostname, toString(core_->trackingMode()),
            core_->trackingDescription());
  log->info("rqd {} listening on port {} (cuebot reaches it at {}), cuebot {}", config_.hostname,
            port_,
            config_.address.empty() ? std::string("the address its reports come from")
                                    : absl::StrCat(config_.address, ":", port_),
            config_.cuebots.front());
  core_->start();
  reporter_->start();
  if (startup_image_)
    log->debug("gave back up to {} kB of start-up code and read-only data", startup_image_->drop());
  return absl::OkStatus();
}

ExitAction Daemon::waitForExit(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return exit_ != ExitAction::kNone; });
  return exit_;
}

ExitAction Daemon::waitForExit() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return exit_ != ExitAction::kNone; });
  return exit_;
}

void Daemon::requestExit(ExitAction action) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exit_ == ExitAction::kNone) exit_ = action;
  }
  cv_.notify_all();
}

void Daemon::stop(std::chrono::milliseconds flush) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (core_) core_->stop();
  if (reporter_) {
    if (!reporter_->waitForCompletionsSent(flush)) {
      common::logger("rqd")->warn("{} completion(s) not yet acknowledged; kept in {}",
                                  reporter_->pendingCompletions(), config_.spool_dir);
    }
    reporter_->stop();
  }
  if (server_) server_->Wait();
}

void Daemon::onHostChanged() {
  if (reporter_) reporter_->nudge();
}

void Daemon::onFramesChanged() {
  if (reporter_) reporter_->nudgeSoon();
}

void Daemon::onFrameCompleted(const FrameCompletion& completion) {
  if (reporter_) reporter_->submitCompletion(completion, core_->host());
}

void Daemon::onExitRequested(ExitAction action) { requestExit(action); }

}  // namespace cue::rqd

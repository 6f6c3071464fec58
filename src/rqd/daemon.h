// Daemon: wires one rqd together from its config: Machine, RqdCore, Reporter, the gRPC
// server. main.cpp runs one; tests run several in-process (port 0, temp dirs).
//
// start(), in order: probe the machine; open the spool; queue completions an earlier run
// left unacknowledged and report frames that died with it; listen (port 0 = any free
// port); start the sampler and the reporter (boot report, then status reports).
// Thread-safety: start/stop/waitForExit from one controlling thread; the rest from any.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "absl/status/status.h"
#include "rqd/config.h"
#include "rqd/machine.h"
#include "rqd/reporter.h"
#include "rqd/resident.h"
#include "rqd/rqd_core.h"
#include "rqd/rqd_service.h"

namespace cue::rqd {

class Daemon final : public CoreListener {
 public:
  explicit Daemon(RqdConfig config);
  ~Daemon() override;  // stop()

  // After start(), drop the resident pages of `image` (resident.h): main() captures it
  // before any thread starts. Without it nothing is dropped.
  void setStartupImage(StartupImage image) { startup_image_ = std::move(image); }

  absl::Status start();
  // The port the gRPC server listens on (after start()).
  int port() const { return port_; }

  // Waits up to `timeout` for an exit request (RPC or requestExit); kNone on timeout.
  ExitAction waitForExit(std::chrono::milliseconds timeout);
  // Waits for an exit request, however long it takes.
  ExitAction waitForExit();
  void requestExit(ExitAction action);

  // Stops serving, kills running frames, waits up to `flush` for their completions to reach
  // cuebot (unsent ones stay in the spool), stops the reporter. Idempotent.
  void stop(std::chrono::milliseconds flush = std::chrono::seconds(5));

  RqdCore& core() { return *core_; }
  Reporter& reporter() { return *reporter_; }
  const RqdConfig& config() const { return config_; }

  // CoreListener
  void onHostChanged() override;
  void onFramesChanged() override;
  void onFrameCompleted(const FrameCompletion& completion) override;
  void onExitRequested(ExitAction action) override;

 private:
  const RqdConfig config_;
  std::unique_ptr<Machine> machine_;
  std::unique_ptr<RqdCore> core_;
  std::unique_ptr<Reporter> reporter_;
  std::unique_ptr<RqdInterfaceService> rqd_service_;
  std::unique_ptr<RunningFrameService> frame_service_;
  std::unique_ptr<RqdLaunchService> launch_service_;
  std::unique_ptr<CallerFilter> callers_;
  std::unique_ptr<RqdLogService> log_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::optional<StartupImage> startup_image_;
  std::mutex mu_;
  std::condition_variable cv_;
  ExitAction exit_ = ExitAction::kNone;
  bool stopped_ = false;
};

}  // namespace cue::rqd

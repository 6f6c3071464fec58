// The gRPC services cuebot (and tools) call on rqd: rqd.RqdInterface and rqd.RunningFrame.
// Thin: each handler translates the request, calls RqdCore and maps its absl::Status with
// toGrpcStatus. What each RPC does:
//   LaunchFrame           RqdCore::launchFrame (INVALID_ARGUMENT / FAILED_PRECONDITION /
//                         ALREADY_EXISTS, see rqd_core.h)
//   KillRunningFrame      kill the frame's process tree; OK for an unknown frame
//   GetRunningFrameStatus RunningFrameInfo of a running frame; NOT_FOUND otherwise
//   GetRunFrame           the RunFrame as rqd runs it (pid, log path, CPU_LIST); NOT_FOUND
//   ReportStatus          the HostReport rqd would send now
//   Lock/LockAll/Unlock/UnlockAll  core locks (core units); no new launches on locked cores
//   NimbyOn/NimbyOff      recorded and reported only
//   ShutdownRqdNow/Idle   kill frames (Now) / wait for them (Idle), then exit 0
//   RestartRqdNow/Idle    same, then rqd re-executes itself with the same arguments
//   RebootNow/RebootIdle  UNIMPLEMENTED: rqd never reboots its machine
//   RunningFrame.Kill / .Status  as KillRunningFrame / GetRunningFrameStatus, by run_frame
//   cue.ext.RqdLaunchInterface.LaunchFrames  each frame as LaunchFrame, one result each
//   cue.ext.RqdLogInterface.ReadLog  bytes of a frame log held here (log_reader.h)
// Commands (launch, kill, locks, NIMBY, shutdown, restart, reboot, log reads) are taken only
// from this rqd's cuebots and --allow-callers (CallerFilter): PERMISSION_DENIED otherwise.
// Thread-safety: handlers run on gRPC's threads; RqdCore is thread-safe.
#pragma once

#include "cue_launch.grpc.pb.h"
#include "cue_log.grpc.pb.h"
#include "rqd.grpc.pb.h"
#include "rqd/caller_filter.h"
#include "rqd/rqd_core.h"

namespace cue::rqd {

class RqdInterfaceService final : public ::rqd::RqdInterface::Service {
 public:
  // `callers`: who may send commands (null: anyone, for tests of the handlers alone).
  RqdInterfaceService(RqdCore& core, CallerFilter* callers) : core_(core), callers_(callers) {}

  grpc::Status GetRunFrame(grpc::ServerContext*, const ::rqd::RqdStaticGetRunFrameRequest*,
                           ::rqd::RqdStaticGetRunFrameResponse*) override;
  grpc::Status GetRunningFrameStatus(grpc::ServerContext*,
                                     const ::rqd::RqdStaticGetRunningFrameStatusRequest*,
                                     ::rqd::RqdStaticGetRunningFrameStatusResponse*) override;
  grpc::Status KillRunningFrame(grpc::ServerContext*,
                                const ::rqd::RqdStaticKillRunningFrameRequest*,
                                ::rqd::RqdStaticKillRunningFrameResponse*) override;
  grpc::Status LaunchFrame(grpc::ServerContext*, const ::rqd::RqdStaticLaunchFrameRequest*,
                           ::rqd::RqdStaticLaunchFrameResponse*) override;
  grpc::Status Lock(grpc::ServerContext*, const ::rqd::RqdStaticLockRequest*,
                    ::rqd::RqdStaticLockResponse*) override;
  grpc::Status LockAll(grpc::ServerContext*, const ::rqd::RqdStaticLockAllRequest*,
                       ::rqd::RqdStaticLockAllResponse*) override;
  grpc::Status NimbyOff(grpc::ServerContext*, const ::rqd::RqdStaticNimbyOffRequest*,
                        ::rqd::RqdStaticNimbyOffResponse*) override;
  grpc::Status NimbyOn(grpc::ServerContext*, const ::rqd::RqdStaticNimbyOnRequest*,
                       ::rqd::RqdStaticNimbyOnResponse*) override;
  grpc::Status RebootIdle(grpc::ServerContext*, const ::rqd::RqdStaticRebootIdleRequest*,
                          ::rqd::RqdStaticRebootIdleResponse*) override;
  grpc::Status RebootNow(grpc::ServerContext*, const ::rqd::RqdStaticRebootNowRequest*,
                         ::rqd::RqdStaticRebootNowResponse*) override;
  grpc::Status ReportStatus(grpc::ServerContext*, const ::rqd::RqdStaticReportStatusRequest*,
                            ::rqd::RqdStaticReportStatusResponse*) override;
  grpc::Status RestartRqdIdle(grpc::ServerContext*, const ::rqd::RqdStaticRestartIdleRequest*,
                              ::rqd::RqdStaticRestartIdleResponse*) override;
  grpc::Status RestartRqdNow(grpc::ServerContext*, const ::rqd::RqdStaticRestartNowRequest*,
                             ::rqd::RqdStaticRestartNowResponse*) override;
  grpc::Status ShutdownRqdIdle(grpc::ServerContext*, const ::rqd::RqdStaticShutdownIdleRequest*,
                               ::rqd::RqdStaticShutdownIdleResponse*) override;
  grpc::Status ShutdownRqdNow(grpc::ServerContext*, const ::rqd::RqdStaticShutdownNowRequest*,
                              ::rqd::RqdStaticShutdownNowResponse*) override;
  grpc::Status Unlock(grpc::ServerContext*, const ::rqd::RqdStaticUnlockRequest*,
                      ::rqd::RqdStaticUnlockResponse*) override;
  grpc::Status UnlockAll(grpc::ServerContext*, const ::rqd::RqdStaticUnlockAllRequest*,
                         ::rqd::RqdStaticUnlockAllResponse*) override;

 private:
  RqdCore& core_;
  CallerFilter* callers_;
};

class RunningFrameService final : public ::rqd::RunningFrame::Service {
 public:
  RunningFrameService(RqdCore& core, CallerFilter* callers) : core_(core), callers_(callers) {}

  grpc::Status Kill(grpc::ServerContext*, const ::rqd::RunningFrameKillRequest*,
                    ::rqd::RunningFrameKillResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const ::rqd::RunningFrameStatusRequest*,
                      ::rqd::RunningFrameStatusResponse*) override;

 private:
  RqdCore& core_;
  CallerFilter* callers_;
};

// Cue's extension: several frames of one booking in one call.
class RqdLaunchService final : public ::cue::ext::RqdLaunchInterface::Service {
 public:
  RqdLaunchService(RqdCore& core, CallerFilter* callers) : core_(core), callers_(callers) {}

  grpc::Status LaunchFrames(grpc::ServerContext*, const ::cue::ext::LaunchFramesRequest*,
                            ::cue::ext::LaunchFramesResponse*) override;

 private:
  RqdCore& core_;
  CallerFilter* callers_;
};

// Cue's extension: frame logs for cuebot, so clients need no shared storage.
class RqdLogService final : public ::cue::ext::RqdLogInterface::Service {
 public:
  RqdLogService(std::string log_root, std::vector<std::string> log_roots, CallerFilter* callers)
      : log_root_(std::move(log_root)), log_roots_(std::move(log_roots)), callers_(callers) {}

  grpc::Status ReadLog(grpc::ServerContext*, const ::cue::ext::RqdReadLogRequest*,
                       ::cue::ext::RqdReadLogResponse*) override;

 private:
  std::string log_root_;
  std::vector<std::string> log_roots_;
  CallerFilter* callers_;
};

}  // namespace cue::rqd

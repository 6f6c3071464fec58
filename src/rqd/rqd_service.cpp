#include "rqd/rqd_service.h"

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "rqd/log_reader.h"
#include "wire/rqd_convert.h"
#include "wire/status.h"

namespace cue::rqd {

using wire::fromProto;
using wire::toHostReport;
using wire::toProto;
using wire::toRunningFrameInfo;
// Commands are taken only from this rqd's cuebots (caller_filter.h).
#define CUE_RQD_CHECK_CALLER(ctx, method)                                       \
  do {                                                                          \
    if (callers_) {                                                             \
      if (absl::Status st = callers_->check((ctx)->peer(), method); !st.ok()) { \
        common::logger("rqd")->warn("{}", std::string(st.message()));           \
        return wire::toGrpc(st);                                                \
      }                                                                         \
    }                                                                           \
  } while (0)

namespace {

grpc::Status noReboot(const char* method) {
  common::logger("rqd")->warn("{} refused: rqd never reboots its machine", method);
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      absl::StrCat(method,
                                   ": this rqd never reboots its machine; use ShutdownRqdNow or "
                                   "ShutdownRqdIdle and reboot it by other means"));
}

}  // namespace

grpc::Status RqdInterfaceService::GetRunFrame(grpc::ServerContext*,
                                              const ::rqd::RqdStaticGetRunFrameRequest* req,
                                              ::rqd::RqdStaticGetRunFrameResponse* resp) {
  absl::StatusOr<RunningFrameView> f = core_.frame(req->frame_id());
  if (!f.ok()) return wire::toGrpc(f.status());
  *resp->mutable_run_frame() = toProto(f->spec);
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::GetRunningFrameStatus(
    grpc::ServerContext*, const ::rqd::RqdStaticGetRunningFrameStatusRequest* req,
    ::rqd::RqdStaticGetRunningFrameStatusResponse* resp) {
  absl::StatusOr<RunningFrameView> f = core_.frame(req->frame_id());
  if (!f.ok()) return wire::toGrpc(f.status());
  *resp->mutable_running_frame_info() = toRunningFrameInfo(*f);
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::KillRunningFrame(
    grpc::ServerContext* ctx, const ::rqd::RqdStaticKillRunningFrameRequest* req,
    ::rqd::RqdStaticKillRunningFrameResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "KillRunningFrame");
  return wire::toGrpc(core_.killFrame(req->frame_id(), req->message()));
}

grpc::Status RqdInterfaceService::LaunchFrame(grpc::ServerContext* ctx,
                                              const ::rqd::RqdStaticLaunchFrameRequest* req,
                                              ::rqd::RqdStaticLaunchFrameResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "LaunchFrame");
  absl::Status s = core_.launchFrame(fromProto(req->run_frame()));
  if (!s.ok()) {
    common::logger("rqd")->warn("LaunchFrame {}/{} refused: {}", req->run_frame().job_name(),
                                req->run_frame().frame_name(), s.ToString());
  }
  return wire::toGrpc(s);
}

grpc::Status RqdLaunchService::LaunchFrames(grpc::ServerContext* ctx,
                                            const ::cue::ext::LaunchFramesRequest* req,
                                            ::cue::ext::LaunchFramesResponse* resp) {
  CUE_RQD_CHECK_CALLER(ctx, "LaunchFrames");
  for (const ::rqd::RunFrame& frame : req->run_frames()) {
    absl::Status s = core_.launchFrame(fromProto(frame));
    wire::toResult(s, resp->add_results());
    if (!s.ok())
      common::logger("rqd")->warn("LaunchFrame {}/{} refused: {}", frame.job_name(),
                                  frame.frame_name(), s.ToString());
  }
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::Lock(grpc::ServerContext* ctx,
                                       const ::rqd::RqdStaticLockRequest* req,
                                       ::rqd::RqdStaticLockResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "Lock");
  core_.lock(req->cores());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::LockAll(grpc::ServerContext* ctx,
                                          const ::rqd::RqdStaticLockAllRequest*,
                                          ::rqd::RqdStaticLockAllResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "LockAll");
  core_.lockAll();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::NimbyOff(grpc::ServerContext* ctx,
                                           const ::rqd::RqdStaticNimbyOffRequest*,
                                           ::rqd::RqdStaticNimbyOffResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "NimbyOff");
  core_.nimbyOff();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::NimbyOn(grpc::ServerContext* ctx,
                                          const ::rqd::RqdStaticNimbyOnRequest*,
                                          ::rqd::RqdStaticNimbyOnResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "NimbyOn");
  core_.nimbyOn();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RebootIdle(grpc::ServerContext* ctx,
                                             const ::rqd::RqdStaticRebootIdleRequest*,
                                             ::rqd::RqdStaticRebootIdleResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "RebootIdle");
  return noReboot("RebootIdle");
}

grpc::Status RqdInterfaceService::RebootNow(grpc::ServerContext* ctx,
                                            const ::rqd::RqdStaticRebootNowRequest*,
                                            ::rqd::RqdStaticRebootNowResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "RebootNow");
  return noReboot("RebootNow");
}

grpc::Status RqdInterfaceService::ReportStatus(grpc::ServerContext*,
                                               const ::rqd::RqdStaticReportStatusRequest*,
                                               ::rqd::RqdStaticReportStatusResponse* resp) {
  *resp->mutable_host_report() = toHostReport(core_.snapshot());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RestartRqdIdle(grpc::ServerContext* ctx,
                                                 const ::rqd::RqdStaticRestartIdleRequest*,
                                                 ::rqd::RqdStaticRestartIdleResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "RestartRqdIdle");
  core_.restartIdle();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RestartRqdNow(grpc::ServerContext* ctx,
                                                const ::rqd::RqdStaticRestartNowRequest*,
                                                ::rqd::RqdStaticRestartNowResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "RestartRqdNow");
  core_.restartNow();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::ShutdownRqdIdle(grpc::ServerContext* ctx,
                                                  const ::rqd::RqdStaticShutdownIdleRequest*,
                                                  ::rqd::RqdStaticShutdownIdleResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "ShutdownRqdIdle");
  core_.shutdownIdle();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::ShutdownRqdNow(grpc::ServerContext* ctx,
                                                 const ::rqd::RqdStaticShutdownNowRequest*,
                                                 ::rqd::RqdStaticShutdownNowResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "ShutdownRqdNow");
  core_.shutdownNow();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::Unlock(grpc::ServerContext* ctx,
                                         const ::rqd::RqdStaticUnlockRequest* req,
                                         ::rqd::RqdStaticUnlockResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "Unlock");
  core_.unlock(req->cores());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::UnlockAll(grpc::ServerContext* ctx,
                                            const ::rqd::RqdStaticUnlockAllRequest*,
                                            ::rqd::RqdStaticUnlockAllResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "UnlockAll");
  core_.unlockAll();
  return grpc::Status::OK;
}

grpc::Status RunningFrameService::Kill(grpc::ServerContext* ctx,
                                       const ::rqd::RunningFrameKillRequest* req,
                                       ::rqd::RunningFrameKillResponse*) {
  CUE_RQD_CHECK_CALLER(ctx, "Kill");
  return wire::toGrpc(core_.killFrame(req->run_frame().frame_id(), req->message()));
}

grpc::Status RunningFrameService::Status(grpc::ServerContext*,
                                         const ::rqd::RunningFrameStatusRequest* req,
                                         ::rqd::RunningFrameStatusResponse* resp) {
  absl::StatusOr<RunningFrameView> f = core_.frame(req->run_frame().frame_id());
  if (!f.ok()) return wire::toGrpc(f.status());
  *resp->mutable_running_frame_info() = toRunningFrameInfo(*f);
  return grpc::Status::OK;
}

grpc::Status RqdLogService::ReadLog(grpc::ServerContext* ctx,
                                    const ::cue::ext::RqdReadLogRequest* req,
                                    ::cue::ext::RqdReadLogResponse* resp) {
  CUE_RQD_CHECK_CALLER(ctx, "ReadLog");
  LogRead r;
  r.log_dir = req->log_dir();
  r.job_name = req->job_name();
  r.frame_name = req->frame_name();
  r.offset = req->offset();
  r.max_bytes = req->max_bytes();
  r.attempt = req->attempt();
  absl::StatusOr<LogChunk> chunk = readFrameLog(r, log_root_, log_roots_);
  if (!chunk.ok()) return wire::toGrpc(chunk.status());
  resp->set_data(std::move(chunk->data));
  resp->set_next_offset(chunk->next_offset);
  resp->set_size(chunk->size);
  resp->set_path(chunk->path);
  return grpc::Status::OK;
}

}  // namespace cue::rqd

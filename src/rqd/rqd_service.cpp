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
    grpc::ServerContext*, const ::rqd::RqdStaticKillRunningFrameRequest* req,
    ::rqd::RqdStaticKillRunningFrameResponse*) {
  return wire::toGrpc(core_.killFrame(req->frame_id(), req->message()));
}

grpc::Status RqdInterfaceService::LaunchFrame(grpc::ServerContext*,
                                              const ::rqd::RqdStaticLaunchFrameRequest* req,
                                              ::rqd::RqdStaticLaunchFrameResponse*) {
  absl::Status s = core_.launchFrame(fromProto(req->run_frame()));
  if (!s.ok()) {
    common::logger("rqd")->warn("LaunchFrame {}/{} refused: {}", req->run_frame().job_name(),
                                req->run_frame().frame_name(), s.ToString());
  }
  return wire::toGrpc(s);
}

grpc::Status RqdInterfaceService::Lock(grpc::ServerContext*, const ::rqd::RqdStaticLockRequest* req,
                                       ::rqd::RqdStaticLockResponse*) {
  core_.lock(req->cores());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::LockAll(grpc::ServerContext*,
                                          const ::rqd::RqdStaticLockAllRequest*,
                                          ::rqd::RqdStaticLockAllResponse*) {
  core_.lockAll();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::NimbyOff(grpc::ServerContext*,
                                           const ::rqd::RqdStaticNimbyOffRequest*,
                                           ::rqd::RqdStaticNimbyOffResponse*) {
  core_.nimbyOff();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::NimbyOn(grpc::ServerContext*,
                                          const ::rqd::RqdStaticNimbyOnRequest*,
                                          ::rqd::RqdStaticNimbyOnResponse*) {
  core_.nimbyOn();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RebootIdle(grpc::ServerContext*,
                                             const ::rqd::RqdStaticRebootIdleRequest*,
                                             ::rqd::RqdStaticRebootIdleResponse*) {
  return noReboot("RebootIdle");
}

grpc::Status RqdInterfaceService::RebootNow(grpc::ServerContext*,
                                            const ::rqd::RqdStaticRebootNowRequest*,
                                            ::rqd::RqdStaticRebootNowResponse*) {
  return noReboot("RebootNow");
}

grpc::Status RqdInterfaceService::ReportStatus(grpc::ServerContext*,
                                               const ::rqd::RqdStaticReportStatusRequest*,
                                               ::rqd::RqdStaticReportStatusResponse* resp) {
  *resp->mutable_host_report() = toHostReport(core_.snapshot());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RestartRqdIdle(grpc::ServerContext*,
                                                 const ::rqd::RqdStaticRestartIdleRequest*,
                                                 ::rqd::RqdStaticRestartIdleResponse*) {
  core_.restartIdle();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::RestartRqdNow(grpc::ServerContext*,
                                                const ::rqd::RqdStaticRestartNowRequest*,
                                                ::rqd::RqdStaticRestartNowResponse*) {
  core_.restartNow();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::ShutdownRqdIdle(grpc::ServerContext*,
                                                  const ::rqd::RqdStaticShutdownIdleRequest*,
                                                  ::rqd::RqdStaticShutdownIdleResponse*) {
  core_.shutdownIdle();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::ShutdownRqdNow(grpc::ServerContext*,
                                                 const ::rqd::RqdStaticShutdownNowRequest*,
                                                 ::rqd::RqdStaticShutdownNowResponse*) {
  core_.shutdownNow();
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::Unlock(grpc::ServerContext*,
                                         const ::rqd::RqdStaticUnlockRequest* req,
                                         ::rqd::RqdStaticUnlockResponse*) {
  core_.unlock(req->cores());
  return grpc::Status::OK;
}

grpc::Status RqdInterfaceService::UnlockAll(grpc::ServerContext*,
                                            const ::rqd::RqdStaticUnlockAllRequest*,
                                            ::rqd::RqdStaticUnlockAllResponse*) {
  core_.unlockAll();
  return grpc::Status::OK;
}

grpc::Status RunningFrameService::Kill(grpc::ServerContext*,
                                       const ::rqd::RunningFrameKillRequest* req,
                                       ::rqd::RunningFrameKillResponse*) {
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

grpc::Status RqdLogService::ReadLog(grpc::ServerContext*, const ::cue::ext::RqdReadLogRequest* req,
                                    ::cue::ext::RqdReadLogResponse* resp) {
  LogRead r;
  r.log_dir = req->log_dir();
  r.job_name = req->job_name();
  r.frame_name = req->frame_name();
  r.offset = req->offset();
  r.max_bytes = req->max_bytes();
  r.attempt = req->attempt();
  absl::StatusOr<LogChunk> chunk = readFrameLog(r, log_root_);
  if (!chunk.ok()) return wire::toGrpc(chunk.status());
  resp->set_data(std::move(chunk->data));
  resp->set_next_offset(chunk->next_offset);
  resp->set_size(chunk->size);
  resp->set_path(chunk->path);
  return grpc::Status::OK;
}

}  // namespace cue::rqd

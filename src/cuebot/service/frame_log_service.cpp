// cue.ext.FrameLogInterface (Cue's extension, proto/cue_log.proto): a frame's log, read from
// the rqd of the host that ran or runs the frame, so clients need no shared storage.
#include "cuebot/service/service_factory.h"

#include "absl/strings/str_cat.h"
#include "cue_log.grpc.pb.h"
#include "cuebot/rqd_client.h"
#include "cuebot/service/rpc.h"

namespace cue::cuebot {
namespace {

class FrameLogService final : public ::cue::ext::FrameLogInterface::Service {
 public:
  explicit FrameLogService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  grpc::Status ReadFrameLog(grpc::ServerContext*, const ext::ReadFrameLogRequest* req,
                            ext::ReadFrameLogResponse* resp) override {
    GRPC_ASSIGN(auto job, job(*req));
    store::FrameSearch fs;
    fs.job_id = job.id;
    fs.names = {req->frame_name()};
    GRPC_ASSIGN(auto frames, store_.getFrames(fs));
    if (frames.empty())
      return toGrpc(absl::NotFoundError(
          absl::StrCat("job ", job.name, " has no frame ", req->frame_name())));
    const core::Frame& frame = frames.front();
    const std::string host_name = frame.last_resource.substr(0, frame.last_resource.find('/'));
    if (host_name.empty())
      return toGrpc(absl::NotFoundError(
          absl::StrCat("frame ", frame.name, " of ", job.name, " has not run yet: no log")));
    store::HostSearch hs;
    hs.names = {host_name};
    GRPC_ASSIGN(auto hosts, store_.getHosts(hs));
    if (hosts.empty() || hosts.front().rqd_address.empty())
      return toGrpc(absl::NotFoundError(absl::StrCat(
          "host ", host_name, " that ran frame ", frame.name, " is no longer on the farm")));
    ext::RqdReadLogRequest rr;
    rr.set_log_dir(job.log_dir);
    rr.set_job_name(job.name);
    rr.set_frame_name(frame.name);
    rr.set_offset(req->offset());
    rr.set_max_bytes(req->max_bytes());
    rr.set_attempt(req->attempt());
    ext::RqdReadLogResponse rresp;
    GRPC_CHECK(farm_.rqd().readLog(hosts.front().rqd_address, rr, &rresp));
    resp->set_data(std::move(*rresp.mutable_data()));
    resp->set_next_offset(rresp.next_offset());
    resp->set_size(rresp.size());
    resp->set_path(rresp.path());
    resp->set_host(host_name);
    resp->set_frame_done(frame.state != core::FrameState::kRunning);
    return grpc::Status::OK;
  }

 private:
  absl::StatusOr<core::Job> job(const ext::ReadFrameLogRequest& req) {
    if (!req.job_id().empty()) return store_.getJob(req.job_id());
    if (req.job_name().empty())
      return absl::InvalidArgumentError("ReadFrameLog needs a job_id or a job_name");
    store::JobSearch q;
    q.names = {req.job_name()};
    q.include_finished = true;
    ASSIGN_OR_RETURN(auto jobs, store_.getJobs(q));
    if (jobs.empty()) return absl::NotFoundError(absl::StrCat("job ", req.job_name(), " does not exist"));
    return jobs.back();  // the latest of that name
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFrameLogService(Farm& farm) {
  return std::make_unique<FrameLogService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

class JobService final : public job::JobInterface::Service {
 public:
  explicit JobService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Job, LaunchSpec) {
    GRPC_ASSIGN(auto jobs, farm_.launchSpec(req->spec()));
    for (const auto& j : jobs) resp->add_names(j.name);
    return grpc::Status::OK;
  }
  RPC(job, Job, LaunchSpecAndWait) {
    GRPC_ASSIGN(auto jobs, farm_.launchSpec(req->spec()));
    GRPC_CHECK(fillJobs(store_, jobs, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetJobs) {
    GRPC_ASSIGN(auto jobs, store_.getJobs(fromProto(req->r())));
    GRPC_CHECK(fillJobs(store_, jobs, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  RPC(job, Job, FindJob) {
    GRPC_ASSIGN(auto j, store_.findJob(req->name()));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetJob) {
    GRPC_ASSIGN(auto j, store_.getJob(req->id()));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetLayers) {
    GRPC_ASSIGN(auto layers, store_.getLayers(req->job().id()));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(req->job().id()));
    for (const auto& l : layers) toProto(l, counts[l.id], resp->mutable_layers()->add_layers());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetFrames) {
    GRPC_CHECK(fillFrames(store_, req->job().id(), req->req(), "", resp->mutable_frames()));
    return grpc::Status::OK;
  }
  RPC(job, Job, Pause) { return toGrpc(farm_.pauseJob(req->job().id(), true)); }
  RPC(job, Job, SetMinCores) {
    GRPC_CHECK(store_.setJobMinMaxCores(req->job().id(), floatCores(req->val()), std::nullopt));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, SetMaxCores) {
    GRPC_CHECK(store_.setJobMinMaxCores(req->job().id(), std::nullopt, floatCores(req->val())));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, SetPriority) {
    GRPC_CHECK(store_.setJobPriority(req->job().id(), req->val()));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, Resume) { return toGrpc(farm_.pauseJob(req->job().id(), false)); }
  RPC(job, Job, Kill) { return toGrpc(farm_.killJob(req->job().id(), req->reason())); }
  RPC(job, Job, IsJobPending) {
    auto j = store_.findJob(req->name());
    resp->set_value(j.ok() && j->state == core::JobState::kPending);
    return grpc::Status::OK;
  }
  RPC(job, Job, RetryFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.retryFrames(ids));
  }
  RPC(job, Job, EatFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.eatFrames(ids));
  }
  RPC(job, Job, KillFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.killFrames(ids, req->reason()));
  }
  // Every depend the job takes part in, either side, satisfied ones too.
  RPC(job, Job, GetDepends) {
    GRPC_CHECK(store_.getJob(req->job().id()).status());
    GRPC_ASSIGN(auto depends, store_.getDepends(req->job().id()));
    GRPC_CHECK(dependsToProto(store_, depends, /*active_only=*/false, resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOnThis(core::DependEntity::kJob, req->job().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kJob, req->job().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kJob, req->job().id(),
                                    fromProto(req->target())));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeJobService(Farm& farm) {
  return std::make_unique<JobService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/app/filters.h"
#include "cuebot/app/job_ops.h"
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
    GRPC_CHECK(fillFrames(farm_, req->job().id(), req->req(), "", resp->mutable_frames()));
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
    GRPC_ASSIGN(auto ids, frameIds(farm_, req->job().id(), req->req()));
    return toGrpc(farm_.retryFrames(ids));
  }
  RPC(job, Job, EatFrames) {
    GRPC_ASSIGN(auto ids, frameIds(farm_, req->job().id(), req->req()));
    return toGrpc(farm_.eatFrames(ids));
  }
  RPC(job, Job, KillFrames) {
    GRPC_ASSIGN(auto ids, frameIds(farm_, req->job().id(), req->req()));
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

  RPC(job, Job, GetCurrent) {
    GRPC_ASSIGN(auto j, store_.getJob(req->job().id()));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetJobNames) {
    GRPC_ASSIGN(auto jobs, store_.getJobs(fromProto(req->r())));
    for (const auto& j : jobs) resp->add_names(j.name);
    return grpc::Status::OK;
  }
  // Frames changed since last_check (the server_time of the previous answer), for GUIs.
  RPC(job, Job, GetUpdatedFrames) {
    GRPC_ASSIGN(auto j, store_.getJob(req->job().id()));
    const int64_t now = farm_.clock().nowSeconds();
    store::FrameSearch q;
    q.job_id = j.id;
    q.updated_since = std::max<int64_t>(req->last_check(), 1);
    for (const auto& l : req->layer_filter().layers()) {
      if (!l.name().empty()) q.layers.push_back(l.name());
      else if (!l.id().empty()) {
        GRPC_ASSIGN(auto layer, store_.getLayer(l.id()));
        q.layers.push_back(layer.name);
      }
    }
    GRPC_ASSIGN(auto frames, store_.getFrames(q));
    resp->set_state(static_cast<job::JobState>(j.state));
    resp->set_server_time(static_cast<int32_t>(now));
    for (const auto& f : frames) {
      job::Frame full;
      toProto(f, &full);
      wire::copySameNamedFields(full, resp->mutable_updated_frames()->add_updated_frames());
    }
    return grpc::Status::OK;
  }
  RPC(job, Job, MarkAsWaiting) {
    GRPC_ASSIGN(auto ids, frameIds(farm_, req->job().id(), req->req()));
    return toGrpc(app::markFramesWaiting(farm_, ids));
  }
  RPC(job, Job, MarkDoneFrames) {
    GRPC_ASSIGN(auto ids, frameIds(farm_, req->job().id(), req->req()));
    return toGrpc(app::satisfyWhatDependsOn(farm_, core::DependEntity::kFrame, ids));
  }
  RPC(job, Job, ReorderFrames) {
    return toGrpc(app::reorderFrames(farm_, req->job().id(), "", req->range(),
                                     static_cast<core::FrameOrder>(req->order())));
  }
  RPC(job, Job, StaggerFrames) {
    return toGrpc(app::staggerFrames(farm_, req->job().id(), "", req->range(), req->stagger()));
  }
  RPC(job, Job, RunFilters) {
    GRPC_CHECK(store_.getJob(req->job().id()).status());
    GRPC_CHECK(app::runFilters(farm_, req->job().id()));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, SetAutoEat) {
    store::JobPatch p;
    p.auto_eat = req->value();
    return patch(req->job().id(), p);
  }
  RPC(job, Job, SetMaxRetries) {
    if (req->max_retries() < 0)
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("max retries ", req->max_retries(), " cannot be negative")));
    store::JobPatch p;
    p.max_retries = req->max_retries();
    return patch(req->job().id(), p);
  }
  RPC(job, Job, SetMinGpus) {
    if (req->val() < 0) return negative("min gpus", req->val());
    store::JobPatch p;
    p.min_gpus = req->val();
    return patch(req->job().id(), p);
  }
  RPC(job, Job, SetMaxGpus) {
    if (req->val() < 0) return negative("max gpus", req->val());
    store::JobPatch p;
    p.max_gpus = req->val();
    return patch(req->job().id(), p);
  }
  RPC(job, Job, SetGroup) {
    GRPC_CHECK(store_.setJobGroup(req->job().id(), req->group_id()));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, ShutdownIfCompleted) {
    return toGrpc(app::shutdownIfCompleted(farm_, req->job().id()));
  }
  // Adds an address to the job's email list (comma separated, as OpenCue keeps it).
  RPC(job, Job, AddSubscriber) {
    GRPC_ASSIGN(auto j, store_.getJob(req->job().id()));
    if (req->subscriber().empty() || req->subscriber().find(',') != std::string::npos)
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("subscriber \"", req->subscriber(), "\" must be one address")));
    store::JobPatch p;
    p.email = j.email.empty() ? req->subscriber() : absl::StrCat(j.email, ",", req->subscriber());
    if (absl::StrCat(",", j.email, ",").find(absl::StrCat(",", req->subscriber(), ",")) !=
        std::string::npos)
      return grpc::Status::OK;  // already subscribed
    return patch(j.id, p);
  }
  RPC(job, Job, AddComment) {
    GRPC_CHECK(store_.getJob(req->job().id()).status());
    auto c = fromProto(req->new_comment());
    c.id.clear();
    c.parent_id = req->job().id();
    c.timestamp = farm_.clock().nowSeconds();
    GRPC_CHECK(store_.addComment(c).status());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetComments) {
    GRPC_CHECK(store_.getJob(req->job().id()).status());
    GRPC_ASSIGN(auto comments, store_.getComments(req->job().id()));
    for (const auto& c : comments) toProto(c, resp->mutable_comments()->add_comments());
    return grpc::Status::OK;
  }
  grpc::Status AddRenderPartition(grpc::ServerContext*, const job::JobAddRenderPartRequest* req,
                                  job::JobAddRenderPartResponse* resp) override {
    app::PartitionRequest r{req->job().id(), "", "", req->host(), req->threads(),
                            req->max_cores(), req->max_memory(), req->max_gpu_memory(),
                            req->max_gpus()};
    GRPC_ASSIGN(auto p, app::addRenderPartition(farm_, r));
    toProto(p.partition, {p.job, p.layer, p.frame, p.host}, resp->mutable_render_partition());
    return grpc::Status::OK;
  }
  RPC(job, Job, CreateDependencyOnJob) {
    return depend(core::DependEntity::kJob, req->on_job().id(), resp->mutable_depend(),
                  req->job().id());
  }
  RPC(job, Job, CreateDependencyOnLayer) {
    return depend(core::DependEntity::kLayer, req->layer().id(), resp->mutable_depend(),
                  req->job().id());
  }
  RPC(job, Job, CreateDependencyOnFrame) {
    return depend(core::DependEntity::kFrame, req->frame().id(), resp->mutable_depend(),
                  req->job().id());
  }

 private:
  grpc::Status patch(const std::string& id, const store::JobPatch& p) {
    GRPC_CHECK(store_.updateJob(id, p));
    farm_.jobChanged(id);
    return grpc::Status::OK;
  }
  static grpc::Status negative(const char* what, int32_t v) {
    return toGrpc(absl::InvalidArgumentError(absl::StrCat(what, " ", v, " cannot be negative")));
  }
  grpc::Status depend(core::DependEntity on_kind, const std::string& on_id, depend::Depend* out,
                      const std::string& job_id) {
    return createDependProto(farm_, core::DependEntity::kJob, job_id, on_kind, on_id, out);
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeJobService(Farm& farm) {
  return std::make_unique<JobService>(farm);
}

}  // namespace cue::cuebot

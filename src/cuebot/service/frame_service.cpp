#include "cuebot/service/service_factory.h"

#include "cuebot/app/job_ops.h"
#include "cuebot/service/rpc.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

class FrameService final : public job::FrameInterface::Service {
 public:
  explicit FrameService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Frame, GetFrame) {
    GRPC_ASSIGN(auto f, store_.getFrame(req->id()));
    toProto(f, resp->mutable_frame());
    return grpc::Status::OK;
  }
  RPC(job, Frame, Retry) { return toGrpc(farm_.retryFrames({req->frame().id()})); }
  RPC(job, Frame, Eat) { return toGrpc(farm_.eatFrames({req->frame().id()})); }
  RPC(job, Frame, Kill) { return toGrpc(farm_.killFrames({req->frame().id()}, req->reason())); }
  RPC(job, Frame, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_,
                           store_.dependsOnThis(core::DependEntity::kFrame, req->frame().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Frame, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kFrame, req->frame().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Frame, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kFrame, req->frame().id(),
                                    fromProto(req->target())));
  }

  RPC(job, Frame, FindFrame) {
    GRPC_ASSIGN(auto j, store_.findJob(req->job()));
    store::FrameSearch q;
    q.job_id = j.id;
    q.layers = {req->layer()};
    q.number_range = std::make_pair(req->frame(), req->frame());
    GRPC_ASSIGN(auto frames, store_.getFrames(q));
    if (frames.empty())
      return toGrpc(absl::NotFoundError(absl::StrCat("frame ", req->frame(), " of layer ",
                                                     req->layer(), " of job ", req->job(),
                                                     " was not found")));
    toProto(frames.front(), resp->mutable_frame());
    return grpc::Status::OK;
  }
  RPC(job, Frame, GetFrames) {
    GRPC_ASSIGN(auto j, store_.findJob(req->job()));
    GRPC_CHECK(fillFrames(farm_, j.id, req->r(), "", resp->mutable_frames()));
    return grpc::Status::OK;
  }
  RPC(job, Frame, MarkAsWaiting) {
    GRPC_CHECK(store_.getFrame(req->frame().id()).status());
    return toGrpc(app::markFramesWaiting(farm_, {req->frame().id()}));
  }
  RPC(job, Frame, MarkAsDepend) { return toGrpc(app::markFrameDepend(farm_, req->frame().id())); }
  RPC(job, Frame, SetCheckpointState) {
    if (!job::CheckpointState_IsValid(req->state()))
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("checkpoint state ", req->state(), " is not a CheckpointState")));
    return toGrpc(store_.setFrameCheckpointState(req->frame().id(), req->state()));
  }
  grpc::Status SetFrameStateDisplayOverride(grpc::ServerContext*,
                                            const job::FrameStateDisplayOverrideRequest* req,
                                            job::FrameStateDisplayOverrideResponse*) override {
    const auto& o = req->override();
    if (!job::FrameState_IsValid(o.state()))
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("frame state ", o.state(), " is not a FrameState")));
    store::FrameDisplayOverride d{o.state(), o.text(), o.color().red(), o.color().green(),
                                  o.color().blue()};
    return toGrpc(store_.setFrameDisplayOverride(req->frame().id(), d));
  }
  grpc::Status GetFrameStateDisplayOverrides(grpc::ServerContext*,
                                             const job::GetFrameStateDisplayOverridesRequest* req,
                                             job::GetFrameStateDisplayOverridesResponse* resp) override {
    GRPC_ASSIGN(auto all, store_.getFrameDisplayOverrides(req->frame().id()));
    for (const auto& d : all) {
      auto* o = resp->mutable_overrides()->add_overrides();
      o->set_state(static_cast<job::FrameState>(d.state));
      o->set_text(d.text);
      o->mutable_color()->set_red(d.red);
      o->mutable_color()->set_green(d.green);
      o->mutable_color()->set_blue(d.blue);
    }
    return grpc::Status::OK;
  }
  RPC(job, Frame, AddRenderPartition) {
    GRPC_ASSIGN(auto f, store_.getFrame(req->frame().id()));
    app::PartitionRequest r{f.job_id, f.layer_id, f.id, req->host(), req->threads(),
                            req->max_cores(), req->max_memory(), req->max_gpu_memory(),
                            req->max_gpus()};
    GRPC_ASSIGN(auto p, app::addRenderPartition(farm_, r));
    toProto(p.partition, {p.job, p.layer, p.frame, p.host}, resp->mutable_render_partition());
    return grpc::Status::OK;
  }
  RPC(job, Frame, CreateDependencyOnJob) {
    return createDependProto(farm_, core::DependEntity::kFrame, req->frame().id(),
                             core::DependEntity::kJob, req->job().id(), resp->mutable_depend());
  }
  RPC(job, Frame, CreateDependencyOnLayer) {
    return createDependProto(farm_, core::DependEntity::kFrame, req->frame().id(),
                             core::DependEntity::kLayer, req->layer().id(), resp->mutable_depend());
  }
  RPC(job, Frame, CreateDependencyOnFrame) {
    return createDependProto(farm_, core::DependEntity::kFrame, req->frame().id(),
                             core::DependEntity::kFrame, req->depend_on_frame().id(),
                             resp->mutable_depend());
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFrameService(Farm& farm) {
  return std::make_unique<FrameService>(farm);
}

}  // namespace cue::cuebot

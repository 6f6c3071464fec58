#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

class LayerService final : public job::LayerInterface::Service {
 public:
  explicit LayerService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Layer, FindLayer) {
    GRPC_ASSIGN(auto j, store_.findJob(req->job()));
    GRPC_ASSIGN(auto l, store_.findLayer(j.id, req->layer()));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(j.id));
    toProto(l, counts[l.id], resp->mutable_layer());
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetFrames) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    GRPC_CHECK(fillFrames(store_, l.job_id, req->s(), l.name, resp->mutable_frames()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_,
                           store_.dependsOnThis(core::DependEntity::kLayer, req->layer().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kLayer, req->layer().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kLayer, req->layer().id(),
                                    fromProto(req->target())));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeLayerService(Farm& farm) {
  return std::make_unique<LayerService>(farm);
}

}  // namespace cue::cuebot

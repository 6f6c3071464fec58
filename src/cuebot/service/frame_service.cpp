#include "cuebot/service/service_factory.h"

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

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFrameService(Farm& farm) {
  return std::make_unique<FrameService>(farm);
}

}  // namespace cue::cuebot

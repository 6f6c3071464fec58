#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "renderPartition.grpc.pb.h"

namespace cue::cuebot {
namespace {

// Render partitions (OpenCue's local booking) are stored and round-trip; Cue's planner
// does not book frames on them yet.
class RenderPartitionService final : public renderPartition::RenderPartitionInterface::Service {
 public:
  explicit RenderPartitionService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(renderPartition, RenderPart, Delete) {
    return toGrpc(store_.deleteRenderPartition(req->render_partition().id()));
  }
  RPC(renderPartition, RenderPart, SetMaxResources) {
    GRPC_ASSIGN(auto p, store_.getRenderPartition(req->render_partition().id()));
    // 0 leaves a maximum unchanged.
    if (req->cores() != 0) p.max_cores = req->cores();
    if (req->memory() != 0) p.max_memory = req->memory();
    if (req->gpu_memory() != 0) p.max_gpu_memory = req->gpu_memory();
    if (req->gpus() != 0) p.max_gpus = req->gpus();
    return toGrpc(store_.updateRenderPartition(p));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeRenderPartitionService(Farm& farm) {
  return std::make_unique<RenderPartitionService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "renderPartition.grpc.pb.h"

namespace cue::cuebot {
namespace {

class RenderPartitionService final : public renderPartition::RenderPartitionInterface::Service {
 public:
  explicit RenderPartitionService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeRenderPartitionService(Farm& farm) {
  return std::make_unique<RenderPartitionService>(farm);
}

}  // namespace cue::cuebot

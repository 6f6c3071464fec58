#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class OwnerService final : public host::OwnerInterface::Service {
 public:
  explicit OwnerService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeOwnerService(Farm& farm) {
  return std::make_unique<OwnerService>(farm);
}

}  // namespace cue::cuebot

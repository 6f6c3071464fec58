#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "service.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ServiceOverrideService final : public service::ServiceOverrideInterface::Service {
 public:
  explicit ServiceOverrideService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeServiceOverrideService(Farm& farm) {
  return std::make_unique<ServiceOverrideService>(farm);
}

}  // namespace cue::cuebot

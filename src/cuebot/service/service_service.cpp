#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "service.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ServiceService final : public service::ServiceInterface::Service {
 public:
  explicit ServiceService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeServiceService(Farm& farm) {
  return std::make_unique<ServiceService>(farm);
}

}  // namespace cue::cuebot

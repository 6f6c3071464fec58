#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class DeedService final : public host::DeedInterface::Service {
 public:
  explicit DeedService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeDeedService(Farm& farm) {
  return std::make_unique<DeedService>(farm);
}

}  // namespace cue::cuebot

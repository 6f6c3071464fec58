#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "service.grpc.pb.h"

namespace cue::cuebot {
namespace {

// OpenCue's ServiceOverride RPCs carry a Service whose id is the override's id.
class ServiceOverrideService final : public service::ServiceOverrideInterface::Service {
 public:
  explicit ServiceOverrideService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(service, ServiceOverride, Delete) {
    GRPC_ASSIGN(auto cur, store_.getService(req->service().id()));
    return toGrpc(store_.deleteService(cur.id));
  }
  RPC(service, ServiceOverride, Update) {
    GRPC_ASSIGN(auto cur, store_.getService(req->service().id()));
    core::Service s = fromProto(req->service());
    s.id = cur.id;
    if (s.name.empty()) s.name = cur.name;
    if (s.min_memory_increase == 0) s.min_memory_increase = cur.min_memory_increase;
    return toGrpc(store_.updateService(s));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeServiceOverrideService(Farm& farm) {
  return std::make_unique<ServiceOverrideService>(farm);
}

}  // namespace cue::cuebot

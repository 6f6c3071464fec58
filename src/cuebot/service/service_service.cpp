#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "service.grpc.pb.h"

namespace cue::cuebot {
namespace {

// A facility-wide service by name, else any service (or show override) by id.
absl::StatusOr<core::Service> lookup(store::Store& store, const std::string& name_or_id) {
  auto by_name = store.findService(name_or_id);
  if (by_name.ok() || !absl::IsNotFound(by_name.status())) return by_name;
  auto by_id = store.getService(name_or_id);
  if (by_id.ok() || !absl::IsNotFound(by_id.status())) return by_id;
  return absl::NotFoundError(absl::StrCat("service ", name_or_id, " was not found"));
}

// The service a request names: by id, or by name when the id is empty.
absl::StatusOr<core::Service> target(store::Store& store, const service::Service& s) {
  if (!s.id().empty()) return store.getService(s.id());
  if (!s.name().empty()) return store.findService(s.name());
  return absl::InvalidArgumentError("the service has neither id nor name");
}

// A value OpenCue's older clients leave unset takes OpenCue's default.
core::Service withDefaults(core::Service s) {
  if (s.min_memory_increase == 0) s.min_memory_increase = core::Service{}.min_memory_increase;
  return s;
}

class ServiceService final : public service::ServiceInterface::Service {
 public:
  explicit ServiceService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(service, Service, CreateService) {
    GRPC_ASSIGN(auto s, store_.createService(withDefaults(fromProto(req->data()))));
    toProto(s, resp->mutable_service());
    return grpc::Status::OK;
  }
  RPC(service, Service, Delete) {
    GRPC_ASSIGN(auto s, target(store_, req->service()));
    return toGrpc(store_.deleteService(s.id));
  }
  RPC(service, Service, GetDefaultServices) {
    GRPC_ASSIGN(auto services, store_.getServices());
    for (const auto& s : services) toProto(s, resp->mutable_services()->add_services());
    return grpc::Status::OK;
  }
  RPC(service, Service, GetService) {
    if (req->name().empty()) return toGrpc(absl::InvalidArgumentError("a service name is required"));
    GRPC_ASSIGN(auto s, lookup(store_, req->name()));
    toProto(s, resp->mutable_service());
    return grpc::Status::OK;
  }
  RPC(service, Service, Update) {
    GRPC_ASSIGN(auto cur, target(store_, req->service()));
    core::Service s = withDefaults(fromProto(req->service()));
    s.id = cur.id;
    return toGrpc(store_.updateService(s));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeServiceService(Farm& farm) {
  return std::make_unique<ServiceService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class OwnerService final : public host::OwnerInterface::Service {
 public:
  explicit OwnerService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(host, Owner, GetOwner) {
    GRPC_ASSIGN(auto o, store_.findOwner(req->name()));
    GRPC_CHECK(fillOwner(store_, o, resp->mutable_owner()));
    return grpc::Status::OK;
  }
  RPC(host, Owner, Delete) { return toGrpc(store_.deleteOwner(req->owner().id())); }
  RPC(host, Owner, GetDeeds) {
    GRPC_ASSIGN(auto deeds, store_.getDeeds(req->owner().id(), ""));
    for (const auto& d : deeds) GRPC_CHECK(fillDeed(store_, d, resp->mutable_deeds()->add_deeds()));
    return grpc::Status::OK;
  }
  RPC(host, Owner, GetHosts) {
    GRPC_ASSIGN(auto deeds, store_.getDeeds(req->owner().id(), ""));
    for (const auto& d : deeds) {
      GRPC_ASSIGN(auto h, store_.getHost(d.host_id));
      toProto(h, resp->mutable_hosts()->add_hosts());
    }
    return grpc::Status::OK;
  }
  RPC(host, Owner, SetShow) {
    GRPC_ASSIGN(auto show, store_.findShow(req->show()));
    return toGrpc(store_.setOwnerShow(req->owner().id(), show.id));
  }
  // The owner takes the host named `host` (a desktop lent to the farm).
  RPC(host, Owner, TakeOwnership) {
    GRPC_ASSIGN(auto h, store_.findHost(req->host()));
    GRPC_CHECK(store_.takeOwnership(req->owner().id(), h.id).status());
    return grpc::Status::OK;
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeOwnerService(Farm& farm) {
  return std::make_unique<OwnerService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class DeedService final : public host::DeedInterface::Service {
 public:
  explicit DeedService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(host, Deed, Delete) { return toGrpc(store_.deleteDeed(req->deed().id())); }
  RPC(host, Deed, GetHost) {
    GRPC_ASSIGN(auto d, store_.getDeed(req->deed().id()));
    GRPC_ASSIGN(auto h, store_.getHost(d.host_id));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Deed, GetOwner) {
    GRPC_ASSIGN(auto d, store_.getDeed(req->deed().id()));
    GRPC_ASSIGN(auto o, store_.getOwner(d.owner_id));
    GRPC_CHECK(fillOwner(store_, o, resp->mutable_owner()));
    return grpc::Status::OK;
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeDeedService(Farm& farm) {
  return std::make_unique<DeedService>(farm);
}

}  // namespace cue::cuebot

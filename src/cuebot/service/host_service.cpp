#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class HostService final : public host::HostInterface::Service {
 public:
  explicit HostService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  // Scheduling settings of a host: stored, then the farm model re-reads the host.
  RPC(host, Host, Lock) {
    GRPC_CHECK(store_.setHostLock(req->host().id(), core::LockState::kLocked));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, Unlock) {
    GRPC_CHECK(store_.setHostLock(req->host().id(), core::LockState::kOpen));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, AddTags) {
    GRPC_CHECK(store_.addHostTags(req->host().id(), {req->tags().begin(), req->tags().end()}));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, RemoveTags) {
    GRPC_CHECK(
        store_.removeHostTags(req->host().id(), {req->tags().begin(), req->tags().end()}));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, SetThreadMode) {
    GRPC_CHECK(store_.setHostThreadMode(req->host().id(),
                                        static_cast<core::ThreadMode>(req->mode())));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetHosts) {
    GRPC_ASSIGN(auto hosts, store_.getHosts(fromProto(req->r())));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(host, Host, FindHost) {
    GRPC_ASSIGN(auto h, store_.findHost(req->name()));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetHost) {
    GRPC_ASSIGN(auto h, store_.getHost(req->id()));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetProcs) {
    store::ProcSearch q;
    q.host_ids = {req->host().id()};
    GRPC_ASSIGN(auto procs, store_.getProcs(q));
    GRPC_CHECK(fillProcs(store_, procs, resp->mutable_procs()));
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeHostService(Farm& farm) {
  return std::make_unique<HostService>(farm);
}

}  // namespace cue::cuebot

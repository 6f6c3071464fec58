#include "cuebot/service/service_factory.h"

#include "absl/strings/str_cat.h"
#include "cuebot/service/rpc.h"
#include "facility.grpc.pb.h"

namespace cue::cuebot {
namespace {

class AllocationService final : public facility::AllocationInterface::Service {
 public:
  explicit AllocationService(Farm& farm) : store_(farm.store()) {}
  RPC(facility, Alloc, GetAll) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs) toProto(a, resp->mutable_allocations()->add_allocations());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Find) {
    GRPC_ASSIGN(auto a, store_.findAllocation(req->name()));
    toProto(a, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Get) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs)
      if (a.id == req->id()) {
        toProto(a, resp->mutable_allocation());
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("allocation id ", req->id(), " was not found"));
  }
  RPC(facility, Alloc, GetDefault) {
    GRPC_ASSIGN(auto a, store_.findAllocation("local.general"));
    toProto(a, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, GetHosts) {
    store::HostSearch q;
    q.allocs = {req->allocation().name()};
    GRPC_ASSIGN(auto hosts, store_.getHosts(q));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, GetSubscriptions) {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(""));
    for (const auto& s : subs)
      if (s.alloc_id == req->allocation().id() || s.alloc_name == req->allocation().name())
        toProto(s, resp->mutable_subscriptions()->add_subscriptions());
    return grpc::Status::OK;
  }

 private:
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeAllocationService(Farm& farm) {
  return std::make_unique<AllocationService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "absl/strings/str_cat.h"
#include "cuebot/service/rpc.h"
#include "cuebot/service/stats.h"
#include "facility.grpc.pb.h"

namespace cue::cuebot {
namespace {

class AllocationService final : public facility::AllocationInterface::Service {
 public:
  explicit AllocationService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(facility, Alloc, GetAll) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& a : allocs) {
      auto* out = resp->mutable_allocations()->add_allocations();
      toProto(a, out);
      addStats(usage, a.id, out);
    }
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Find) {
    GRPC_ASSIGN(auto a, store_.findAllocation(req->name()));
    toProto(a, resp->mutable_allocation());
    withStats(a.id, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Get) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs)
      if (a.id == req->id()) {
        toProto(a, resp->mutable_allocation());
        withStats(a.id, resp->mutable_allocation());
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("allocation id ", req->id(), " was not found"));
  }
  // The allocation new hosts join (AllocSetDefault), local.general until one is set.
  RPC(facility, Alloc, GetDefault) {
    auto id = store_.getSetting("default_allocation");
    if (id.ok()) {
      auto a = store_.getAllocation(*id);
      if (a.ok()) {
        toProto(*a, resp->mutable_allocation());
        withStats(a->id, resp->mutable_allocation());
        return grpc::Status::OK;
      }
    }
    GRPC_ASSIGN(auto a, store_.findAllocation("local.general"));
    toProto(a, resp->mutable_allocation());
    withStats(a.id, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, SetDefault) {
    GRPC_ASSIGN(auto a, store_.getAllocation(req->allocation().id()));
    return toGrpc(store_.setSetting("default_allocation", a.id));
  }
  grpc::Status Create(grpc::ServerContext*, const facility::AllocCreateRequest* req,
                      facility::AllocCreateResponse* resp) override {
    std::string facility_id = req->facility().id();
    if (facility_id.empty()) {
      GRPC_ASSIGN(auto f, store_.findFacility(req->facility().name()));
      facility_id = f.id;
    }
    GRPC_ASSIGN(auto a, store_.createAllocation(facility_id, req->name(), req->tag()));
    farm_.referenceChanged();
    toProto(a, resp->mutable_allocation());
    withStats(a.id, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Delete) {
    GRPC_CHECK(store_.deleteAllocation(req->allocation().id()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, FindHosts) {
    GRPC_ASSIGN(auto a, store_.getAllocation(req->allocation().id()));
    auto q = fromProto(req->r());
    q.allocs = {a.name};
    GRPC_ASSIGN(auto hosts, store_.getHosts(q));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, ReparentHosts) {
    GRPC_ASSIGN(auto a, store_.getAllocation(req->allocation().id()));
    for (const auto& h : req->hosts().hosts()) {
      store::HostPatch p;
      p.alloc_id = a.id;
      GRPC_CHECK(store_.updateHost(h.id(), p));
      farm_.hostChanged(h.id());
    }
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, SetBillable) {
    store::AllocationPatch p;
    p.billable = req->value();
    return patch(req->allocation().id(), p);
  }
  // OpenCue's SetName takes the short name; the facility stays the prefix.
  RPC(facility, Alloc, SetName) {
    GRPC_ASSIGN(auto a, store_.getAllocation(req->allocation().id()));
    if (req->name().empty() || req->name().find('.') != std::string::npos)
      return toGrpc(absl::InvalidArgumentError(absl::StrCat(
          "allocation name \"", req->name(), "\" is invalid: give the short name, without '.'")));
    store::AllocationPatch p;
    p.name = absl::StrCat(a.facility, ".", req->name());
    return patch(a.id, p);
  }
  RPC(facility, Alloc, SetTag) {
    store::AllocationPatch p;
    p.tag = req->tag();
    return patch(req->allocation().id(), p);
  }
  RPC(facility, Alloc, GetHosts) {
    store::HostSearch q;
    q.allocs = {req->allocation().name()};
    if (q.allocs[0].empty()) {  // an allocation given by id only
      GRPC_ASSIGN(auto a, store_.getAllocation(req->allocation().id()));
      q.allocs = {a.name};
    }
    GRPC_ASSIGN(auto hosts, store_.getHosts(q));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, GetSubscriptions) {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(""));
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& s : subs)
      if (s.alloc_id == req->allocation().id() || s.alloc_name == req->allocation().name())
        addStats(usage, s.show_id, s.alloc_id, toProtoIn(s, resp->mutable_subscriptions()));
    return grpc::Status::OK;
  }

 private:
  // Allocation stats are best effort: a failed read leaves them empty.
  void withStats(const std::string& alloc_id, facility::Allocation* out) {
    auto usage = readUsage(store_);
    if (usage.ok()) addStats(*usage, alloc_id, out);
  }
  static subscription::Subscription* toProtoIn(const core::Subscription& s,
                                               subscription::SubscriptionSeq* seq) {
    auto* out = seq->add_subscriptions();
    toProto(s, out);
    return out;
  }
  grpc::Status patch(const std::string& id, const store::AllocationPatch& p) {
    GRPC_CHECK(store_.updateAllocation(id, p));
    farm_.referenceChanged();
    store::HostSearch q;
    if (auto a = store_.getAllocation(id); a.ok()) q.allocs = {a->name};
    if (auto hosts = store_.getHosts(q); hosts.ok() && !q.allocs.empty())
      for (const auto& h : *hosts) farm_.hostChanged(h.id);
    return grpc::Status::OK;
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeAllocationService(Farm& farm) {
  return std::make_unique<AllocationService>(farm);
}

}  // namespace cue::cuebot

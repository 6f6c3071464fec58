#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "cuebot/service/stats.h"
#include "facility.grpc.pb.h"

namespace cue::cuebot {
namespace {

class FacilityService final : public facility::FacilityInterface::Service {
 public:
  explicit FacilityService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(facility, Facility, Get) {
    GRPC_ASSIGN(auto f, store_.findFacility(req->name()));
    resp->mutable_facility()->set_id(f.id);
    resp->mutable_facility()->set_name(f.name);
    return grpc::Status::OK;
  }
  RPC(facility, Facility, GetAllocations) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& a : allocs)
      if (a.facility == req->facility().name() || a.facility_id == req->facility().id()) {
        auto* out = resp->mutable_allocations()->add_allocations();
        toProto(a, out);
        addStats(usage, a.id, out);
      }
    return grpc::Status::OK;
  }

  RPC(facility, Facility, Create) {
    GRPC_ASSIGN(auto f, store_.createFacility(req->name()));
    toProto(f, resp->mutable_facility());
    return grpc::Status::OK;
  }
  RPC(facility, Facility, Rename) {
    std::string id = req->facility().id();
    if (id.empty()) {
      GRPC_ASSIGN(auto f, store_.findFacility(req->facility().name()));
      id = f.id;
    }
    GRPC_CHECK(store_.renameFacility(id, req->new_name()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(facility, Facility, Delete) {
    GRPC_ASSIGN(auto f, store_.findFacility(req->name()));
    GRPC_CHECK(store_.deleteFacility(f.id));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFacilityService(Farm& farm) {
  return std::make_unique<FacilityService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

// OpenCue's float cores (4.5) in core units (450); a negative value stays -1 (no cap).
core::CoreUnits coreUnits(float cores) {
  return cores < 0 ? -1 : static_cast<core::CoreUnits>(cores * 100 + 0.5f);
}

class GroupService final : public job::GroupInterface::Service {
 public:
  explicit GroupService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  grpc::Status SetMinCores(grpc::ServerContext*, const job::GroupSetMinCoresRequest* req,
                           job::GroupSetMinCoresResponse*) override {
    if (auto st = store_.setGroupCores(req->group().id(), coreUnits(req->min_cores()),
                                       std::nullopt);
        !st.ok())
      return toGrpc(st);
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  grpc::Status SetMaxCores(grpc::ServerContext*, const job::GroupSetMaxCoresRequest* req,
                           job::GroupSetMaxCoresResponse*) override {
    if (auto st = store_.setGroupCores(req->group().id(), std::nullopt,
                                       coreUnits(req->max_cores()));
        !st.ok())
      return toGrpc(st);
    farm_.referenceChanged();
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeGroupService(Farm& farm) {
  return std::make_unique<GroupService>(farm);
}

}  // namespace cue::cuebot

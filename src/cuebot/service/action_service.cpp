#include "cuebot/service/service_factory.h"

#include "cuebot/app/filters.h"
#include "cuebot/service/rpc.h"
#include "filter.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ActionService final : public filter::ActionInterface::Service {
 public:
  explicit ActionService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(filter, Action, Commit) {
    GRPC_CHECK(app::updateAction(farm_, fromProto(req->action())));
    return grpc::Status::OK;
  }
  RPC(filter, Action, Delete) {
    GRPC_CHECK(store_.deleteAction(req->action().id()));
    return grpc::Status::OK;
  }
  RPC(filter, Action, GetParentFilter) {
    GRPC_ASSIGN(auto a, store_.getAction(req->action().id()));
    GRPC_ASSIGN(auto f, store_.getFilter(a.filter_id));
    toProto(f, resp->mutable_filter());
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeActionService(Farm& farm) {
  return std::make_unique<ActionService>(farm);
}

}  // namespace cue::cuebot

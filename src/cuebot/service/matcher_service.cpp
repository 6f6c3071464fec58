#include "cuebot/service/service_factory.h"

#include "cuebot/app/filters.h"
#include "cuebot/service/rpc.h"
#include "filter.grpc.pb.h"

namespace cue::cuebot {
namespace {

class MatcherService final : public filter::MatcherInterface::Service {
 public:
  explicit MatcherService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(filter, Matcher, Commit) {
    GRPC_CHECK(app::updateMatcher(farm_, fromProto(req->matcher())));
    return grpc::Status::OK;
  }
  RPC(filter, Matcher, Delete) {
    GRPC_CHECK(store_.deleteMatcher(req->matcher().id()));
    return grpc::Status::OK;
  }
  RPC(filter, Matcher, GetParentFilter) {
    GRPC_ASSIGN(auto m, store_.getMatcher(req->matcher().id()));
    GRPC_ASSIGN(auto f, store_.getFilter(m.filter_id));
    toProto(f, resp->mutable_filter());
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeMatcherService(Farm& farm) {
  return std::make_unique<MatcherService>(farm);
}

}  // namespace cue::cuebot

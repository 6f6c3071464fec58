#include "cuebot/service/service_factory.h"

#include "cuebot/app/filters.h"
#include "cuebot/service/rpc.h"
#include "filter.grpc.pb.h"

namespace cue::cuebot {
namespace {

class FilterService final : public filter::FilterInterface::Service {
 public:
  explicit FilterService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(filter, Filter, CreateAction) {
    GRPC_ASSIGN(auto a, app::createAction(farm_, req->filter().id(), fromProto(req->data())));
    toProto(a, resp->mutable_action());
    return grpc::Status::OK;
  }
  RPC(filter, Filter, CreateMatcher) {
    GRPC_ASSIGN(auto m, app::createMatcher(farm_, req->filter().id(), fromProto(req->data())));
    toProto(m, resp->mutable_matcher());
    return grpc::Status::OK;
  }
  RPC(filter, Filter, Delete) {
    GRPC_CHECK(store_.deleteFilter(req->filter().id()));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, FindFilter) {
    GRPC_ASSIGN(auto show, store_.findShow(req->show()));
    GRPC_ASSIGN(auto f, store_.findFilter(show.id, req->name()));
    toProto(f, resp->mutable_filter());
    return grpc::Status::OK;
  }
  RPC(filter, Filter, GetActions) {
    GRPC_ASSIGN(auto f, store_.getFilter(req->filter().id()));
    GRPC_ASSIGN(auto actions, store_.getActions(f.id));
    for (const auto& a : actions) toProto(a, resp->mutable_actions()->add_actions());
    return grpc::Status::OK;
  }
  RPC(filter, Filter, GetMatchers) {
    GRPC_ASSIGN(auto f, store_.getFilter(req->filter().id()));
    GRPC_ASSIGN(auto matchers, store_.getMatchers(f.id));
    for (const auto& m : matchers) toProto(m, resp->mutable_matchers()->add_matchers());
    return grpc::Status::OK;
  }
  RPC(filter, Filter, LowerOrder) {
    GRPC_CHECK(app::moveFilter(farm_, req->filter().id(), app::FilterMove::kLower));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, OrderFirst) {
    GRPC_CHECK(app::moveFilter(farm_, req->filter().id(), app::FilterMove::kFirst));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, OrderLast) {
    GRPC_CHECK(app::moveFilter(farm_, req->filter().id(), app::FilterMove::kLast));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, RaiseOrder) {
    GRPC_CHECK(app::moveFilter(farm_, req->filter().id(), app::FilterMove::kRaise));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, RunFilterOnGroup) {
    GRPC_CHECK(app::runFilterOnGroup(farm_, req->filter().id(), req->group().id()));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, RunFilterOnJobs) {
    std::vector<std::string> ids;
    for (const auto& j : req->jobs().jobs()) ids.push_back(j.id());
    GRPC_CHECK(app::runFilterOnJobs(farm_, req->filter().id(), ids));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, SetEnabled) {
    GRPC_CHECK(app::setFilterEnabled(farm_, req->filter().id(), req->enabled()));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, SetName) {
    GRPC_CHECK(app::setFilterName(farm_, req->filter().id(), req->name()));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, SetOrder) {
    GRPC_CHECK(app::setFilterOrder(farm_, req->filter().id(), req->order()));
    return grpc::Status::OK;
  }
  RPC(filter, Filter, SetType) {
    GRPC_CHECK(app::setFilterType(farm_, req->filter().id(),
                                  static_cast<core::FilterType>(req->type())));
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeFilterService(Farm& farm) {
  return std::make_unique<FilterService>(farm);
}

}  // namespace cue::cuebot

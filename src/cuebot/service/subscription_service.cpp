#include "cuebot/service/service_factory.h"

#include "absl/strings/str_cat.h"
#include "cuebot/service/rpc.h"
#include "cuebot/service/stats.h"
#include "subscription.grpc.pb.h"

namespace cue::cuebot {
namespace {

class SubscriptionService final : public subscription::SubscriptionInterface::Service {
 public:
  explicit SubscriptionService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(subscription, Subscription, SetSize) {
    GRPC_CHECK(store_.setSubscriptionSize(req->subscription().id(), req->new_size()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(subscription, Subscription, SetBurst) {
    GRPC_CHECK(store_.setSubscriptionBurst(req->subscription().id(), req->burst()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(subscription, Subscription, Delete) {
    GRPC_CHECK(store_.deleteSubscription(req->subscription().id()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(subscription, Subscription, Get) {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(""));
    for (const auto& s : subs)
      if (s.id == req->id()) {
        toProto(s, resp->mutable_subscription());
        GRPC_ASSIGN(auto usage, readUsage(store_));
        addStats(usage, s.show_id, s.alloc_id, resp->mutable_subscription());
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("subscription id ", req->id(), " was not found"));
  }
  // OpenCue names a subscription "<allocation>.<show>", e.g. "local.general.testing".
  RPC(subscription, Subscription, Find) {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(""));
    for (const auto& s : subs)
      if (absl::StrCat(s.alloc_name, ".", s.show_name) == req->name()) {
        toProto(s, resp->mutable_subscription());
        GRPC_ASSIGN(auto usage, readUsage(store_));
        addStats(usage, s.show_id, s.alloc_id, resp->mutable_subscription());
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("subscription ", req->name(), " was not found"));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeSubscriptionService(Farm& farm) {
  return std::make_unique<SubscriptionService>(farm);
}

}  // namespace cue::cuebot

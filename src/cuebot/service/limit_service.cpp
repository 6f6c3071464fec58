#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "limit.grpc.pb.h"

namespace cue::cuebot {
namespace {

void toProto(const core::Limit& l, int32_t running, limit::Limit* out) {
  out->set_id(l.id);
  out->set_name(l.name);
  out->set_max_value(l.max_value);
  out->set_current_running(running);
}

class LimitService final : public limit::LimitInterface::Service {
 public:
  explicit LimitService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  grpc::Status Create(grpc::ServerContext*, const limit::LimitCreateRequest* req,
                      limit::LimitCreateResponse* resp) override {
    auto l = store_.createLimit(req->name(), req->max_value());
    if (!l.ok()) return toGrpc(l.status());
    farm_.referenceChanged();
    toProto(*l, 0, resp->mutable_limit());
    return grpc::Status::OK;
  }
  grpc::Status Delete(grpc::ServerContext*, const limit::LimitDeleteRequest* req,
                      limit::LimitDeleteResponse*) override {
    auto l = store_.findLimit(req->name());
    if (!l.ok()) return toGrpc(l.status());
    if (auto st = store_.deleteLimit(l->id); !st.ok()) return toGrpc(st);
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  grpc::Status Find(grpc::ServerContext*, const limit::LimitFindRequest* req,
                    limit::LimitFindResponse* resp) override {
    auto l = store_.findLimit(req->name());
    if (!l.ok()) return toGrpc(l.status());
    toProto(*l, farm_.limitRunning(l->id), resp->mutable_limit());
    return grpc::Status::OK;
  }
  grpc::Status Get(grpc::ServerContext*, const limit::LimitGetRequest* req,
                   limit::LimitGetResponse* resp) override {
    auto l = store_.getLimit(req->id());
    if (!l.ok()) return toGrpc(l.status());
    toProto(*l, farm_.limitRunning(l->id), resp->mutable_limit());
    return grpc::Status::OK;
  }
  grpc::Status GetAll(grpc::ServerContext*, const limit::LimitGetAllRequest*,
                      limit::LimitGetAllResponse* resp) override {
    auto limits = store_.getLimits();
    if (!limits.ok()) return toGrpc(limits.status());
    for (const auto& l : *limits) toProto(l, farm_.limitRunning(l.id), resp->add_limits());
    return grpc::Status::OK;
  }
  grpc::Status Rename(grpc::ServerContext*, const limit::LimitRenameRequest* req,
                      limit::LimitRenameResponse*) override {
    auto l = store_.findLimit(req->old_name());
    if (!l.ok()) return toGrpc(l.status());
    if (auto st = store_.renameLimit(l->id, req->new_name()); !st.ok()) return toGrpc(st);
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  grpc::Status SetMaxValue(grpc::ServerContext*, const limit::LimitSetMaxValueRequest* req,
                           limit::LimitSetMaxValueResponse*) override {
    auto l = store_.findLimit(req->name());
    if (!l.ok()) return toGrpc(l.status());
    if (auto st = store_.setLimitMaxValue(l->id, req->max_value()); !st.ok()) return toGrpc(st);
    farm_.referenceChanged();
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeLimitService(Farm& farm) {
  return std::make_unique<LimitService>(farm);
}

}  // namespace cue::cuebot

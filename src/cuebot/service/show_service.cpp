#include "cuebot/service/service_factory.h"

#include "cuebot/app/filters.h"
#include <map>

#include "cuebot/service/rpc.h"
#include "cuebot/service/stats.h"
#include "show.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ShowService final : public show::ShowInterface::Service {
 public:
  explicit ShowService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(show, Show, CreateSubscription) {
    GRPC_ASSIGN(auto sub, store_.createSubscription(req->show().id(), req->allocation_id(),
                                                     floatCores(req->size()),
                                                     floatCores(req->burst())));
    farm_.referenceChanged();
    toProto(sub, resp->mutable_subscription());
    return grpc::Status::OK;
  }
  // Filters: created at the end of the show's order, MATCH_ANY, enabled (as OpenCue).
  RPC(show, Show, CreateFilter) {
    GRPC_ASSIGN(auto f, app::createFilter(farm_, req->show().id(), req->name(),
                                         core::FilterType::kMatchAny));
    toProto(f, resp->mutable_filter());
    return grpc::Status::OK;
  }
  RPC(show, Show, FindFilter) {
    GRPC_ASSIGN(auto f, store_.findFilter(req->show().id(), req->name()));
    toProto(f, resp->mutable_filter());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetFilters) {
    GRPC_ASSIGN(auto filters, store_.getFilters(req->show().id()));
    for (const auto& f : filters) toProto(f, resp->mutable_filters()->add_filters());
    return grpc::Status::OK;
  }
  // Service overrides: a ServiceOverride is the override's id and its Service data.
  static void toOverride(const core::Service& svc, service::ServiceOverride* out) {
    out->set_id(svc.id);
    toProto(svc, out->mutable_data());
  }
  RPC(show, Show, CreateServiceOverride) {
    GRPC_ASSIGN(auto svc, store_.createServiceOverride(req->show().id(),
                                                       fromProto(req->service())));
    toOverride(svc, resp->mutable_service_override());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetServiceOverrides) {
    GRPC_ASSIGN(auto overrides, store_.getServiceOverrides(req->show().id()));
    for (const auto& svc : overrides)
      toOverride(svc, resp->mutable_service_overrides()->add_service_overrides());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetServiceOverride) {
    GRPC_ASSIGN(auto overrides, store_.getServiceOverrides(req->show().id()));
    for (const auto& svc : overrides) {
      if (svc.name != req->name()) continue;
      toOverride(svc, resp->mutable_service_override());
      return grpc::Status::OK;
    }
    return toGrpc(wire::notFound("service override", req->name()));
  }
  // Departments: the show's department of that name, created on first use (as OpenCue).
  RPC(show, Show, GetDepartment) {
    GRPC_ASSIGN(auto dept, store_.ensureShowDepartment(req->show().id(), req->department()));
    toProto(dept, resp->mutable_department());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetDepartments) {
    GRPC_ASSIGN(auto depts, store_.getShowDepartments(req->show().id()));
    for (const auto& d : depts) toProto(d, resp->mutable_departments()->add_departments());
    return grpc::Status::OK;
  }
  RPC(show, Show, EnableBooking) {
    GRPC_CHECK(store_.setShowFlags(req->show().id(), std::nullopt, req->enabled(), std::nullopt));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(show, Show, EnableDispatching) {
    GRPC_CHECK(store_.setShowFlags(req->show().id(), std::nullopt, std::nullopt, req->enabled()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(show, Show, SetActive) {
    GRPC_CHECK(store_.setShowFlags(req->show().id(), req->value(), std::nullopt, std::nullopt));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(show, Show, SetDefaultMinCores) {
    GRPC_CHECK(store_.setShowDefaultCores(req->show().id(), floatCores(req->min_cores()),
                                          std::nullopt));
    return grpc::Status::OK;
  }
  RPC(show, Show, SetDefaultMaxCores) {
    GRPC_CHECK(store_.setShowDefaultCores(req->show().id(), std::nullopt,
                                          floatCores(req->max_cores())));
    return grpc::Status::OK;
  }
  RPC(show, Show, FindShow) {
    GRPC_ASSIGN(auto s, store_.findShow(req->name()));
    GRPC_ASSIGN(auto usage, readUsage(store_));
    toProto(s, resp->mutable_show());
    GRPC_CHECK(addStats(store_, usage, s.id, resp->mutable_show()));
    return grpc::Status::OK;
  }
  RPC(show, Show, GetShows) {
    GRPC_ASSIGN(auto shows, store_.getShows());
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& s : shows) {
      auto* out = resp->mutable_shows()->add_shows();
      toProto(s, out);
      GRPC_CHECK(addStats(store_, usage, s.id, out));
    }
    return grpc::Status::OK;
  }
  RPC(show, Show, GetActiveShows) {
    GRPC_ASSIGN(auto shows, store_.getShows());
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& s : shows) {
      if (!s.active) continue;
      auto* out = resp->mutable_shows()->add_shows();
      toProto(s, out);
      GRPC_CHECK(addStats(store_, usage, s.id, out));
    }
    return grpc::Status::OK;
  }
  RPC(show, Show, CreateShow) {
    GRPC_ASSIGN(auto s, store_.createShow(req->name()));
    toProto(s, resp->mutable_show());
    return grpc::Status::OK;
  }
  grpc::Status GetSubscriptions(grpc::ServerContext*, const show::ShowGetSubscriptionRequest* req,
                                show::ShowGetSubscriptionResponse* resp) override {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(req->show().id()));
    GRPC_ASSIGN(auto usage, readUsage(store_));
    for (const auto& s : subs) {
      auto* out = resp->mutable_subscriptions()->add_subscriptions();
      toProto(s, out);
      addStats(usage, s.show_id, s.alloc_id, out);
    }
    return grpc::Status::OK;
  }
  RPC(show, Show, GetRootGroup) {
    GRPC_ASSIGN(auto g, store_.getRootGroup(req->show().id()));
    toProto(g, resp->mutable_group());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetGroups) {
    GRPC_ASSIGN(auto groups, store_.getGroups(req->show().id()));
    for (const auto& g : groups) toProto(g, resp->mutable_groups()->add_groups());
    return grpc::Status::OK;
  }

  RPC(show, Show, CreateOwner) {
    GRPC_ASSIGN(auto o, store_.createOwner(req->show().id(), req->name()));
    GRPC_CHECK(fillOwner(store_, o, resp->mutable_owner()));
    return grpc::Status::OK;
  }
  RPC(show, Show, GetDeeds) {
    GRPC_ASSIGN(auto deeds, store_.getDeeds("", req->show().id()));
    for (const auto& d : deeds) GRPC_CHECK(fillDeed(store_, d, resp->mutable_deeds()->add_deeds()));
    return grpc::Status::OK;
  }
  RPC(show, Show, Delete) {
    GRPC_CHECK(store_.deleteShow(req->show().id()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  // The show's pending jobs.
  RPC(show, Show, GetJobs) {
    GRPC_ASSIGN(auto s, store_.getShow(req->show().id()));
    core::JobSearch q;
    q.shows = {s.name};
    GRPC_ASSIGN(auto jobs, store_.getJobs(q));
    GRPC_CHECK(fillJobs(store_, jobs, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  // The show's group tree from its root, each group with its pending jobs (CueGUI's
  // monitor view).
  RPC(show, Show, GetJobWhiteboard) {
    GRPC_ASSIGN(auto s, store_.getShow(req->show().id()));
    GRPC_ASSIGN(auto groups, store_.getGroups(s.id));
    core::JobSearch q;
    q.shows = {s.name};
    GRPC_ASSIGN(auto jobs, store_.getJobs(q));
    std::vector<std::string> ids;
    for (const auto& j : jobs) ids.push_back(j.id);
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts(ids));
    const core::Group* root = nullptr;
    for (const auto& g : groups)
      if (g.parent_id.empty()) root = &g;
    if (root == nullptr)
      return toGrpc(absl::NotFoundError(absl::StrCat("root group of show ", s.name, " was not found")));
    nest(*root, groups, jobs, counts, 0, resp->mutable_whiteboard());
    return grpc::Status::OK;
  }
  RPC(show, Show, SetCommentEmail) {
    store::ShowPatch p;
    p.comment_email = req->email();
    return patch(req->show().id(), p);
  }
  RPC(show, Show, SetDefaultMinGpus) {
    if (req->min_gpus() < 0) return negative("default min gpus", req->min_gpus());
    store::ShowPatch p;
    p.default_min_gpus = req->min_gpus();
    return patch(req->show().id(), p);
  }
  RPC(show, Show, SetDefaultMaxGpus) {
    if (req->max_gpus() < 0) return negative("default max gpus", req->max_gpus());
    store::ShowPatch p;
    p.default_max_gpus = req->max_gpus();
    return patch(req->show().id(), p);
  }
  RPC(show, Show, SetSchedulerManaged) {
    store::ShowPatch p;
    p.scheduler_managed = req->enabled();
    return patch(req->show().id(), p);
  }
  // Retires the show: it becomes inactive (no new jobs). A target show, when named, must
  // exist; Cue keeps the archived show's history in place rather than moving it.
  RPC(show, Show, Archive) {
    GRPC_CHECK(store_.getShow(req->show().id()).status());
    if (!req->target_show_name().empty())
      GRPC_CHECK(store_.findShow(req->target_show_name()).status());
    GRPC_CHECK(store_.setShowFlags(req->show().id(), false, std::nullopt, std::nullopt));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }

 private:
  static void nest(const core::Group& g, const std::vector<core::Group>& groups,
                   const std::vector<core::Job>& jobs,
                   std::map<std::string, core::FrameCounts>& counts, int level,
                   job::NestedGroup* out) {
    job::Group flat;
    toProto(g, &flat);
    flat.set_level(level);
    for (const auto& j : jobs)
      if (j.group_id == g.id) wire::addToGroupStats(j, counts[j.id], flat.mutable_group_stats());
    wire::copySameNamedFields(flat, out);
    *out->mutable_stats() = flat.group_stats();  // NestedGroup names it `stats`
    for (const auto& j : jobs) {
      if (j.group_id != g.id) continue;
      out->add_jobs(j.name);
      toProto(j, counts[j.id], out->add_inline_jobs());
    }
    if (level > 100) return;  // a cycle cannot be stored, but never loop on one
    for (const auto& child : groups)
      if (child.parent_id == g.id)
        nest(child, groups, jobs, counts, level + 1, out->mutable_groups()->add_nested_groups());
  }
  grpc::Status patch(const std::string& id, const store::ShowPatch& p) {
    GRPC_CHECK(store_.updateShow(id, p));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  static grpc::Status negative(const char* what, int32_t v) {
    return toGrpc(absl::InvalidArgumentError(absl::StrCat("show ", what, " ", v, " cannot be negative")));
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeShowService(Farm& farm) {
  return std::make_unique<ShowService>(farm);
}

}  // namespace cue::cuebot

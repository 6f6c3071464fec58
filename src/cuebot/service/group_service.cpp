#include "cuebot/service/service_factory.h"

#include <set>

#include "cuebot/service/rpc.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

// OpenCue's float cores (4.5) in core units (450); a negative value stays -1 (no cap / unset).
core::CoreUnits coreUnits(float cores) {
  return cores < 0 ? -1 : static_cast<core::CoreUnits>(cores * 100 + 0.5f);
}

// Groups (OpenCue's folders): a tree per show under its root group. Jobs enter a group
// at launch (or by filter, SetGroup, ReparentJobs); its defaults and caps are stored and
// returned; the planner applies the core caps.
class GroupService final : public job::GroupInterface::Service {
 public:
  explicit GroupService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(job, Group, SetMinCores) {
    GRPC_CHECK(store_.setGroupCores(req->group().id(), coreUnits(req->min_cores()), std::nullopt));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(job, Group, SetMaxCores) {
    GRPC_CHECK(store_.setGroupCores(req->group().id(), std::nullopt, coreUnits(req->max_cores())));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(job, Group, GetGroup) { return fill(req->id(), resp->mutable_group()); }
  RPC(job, Group, FindGroup) {
    GRPC_ASSIGN(auto show, store_.findShow(req->show()));
    GRPC_ASSIGN(auto groups, store_.getGroups(show.id));
    for (const auto& g : groups)
      if (g.name == req->name()) return fill(g.id, resp->mutable_group());
    return toGrpc(absl::NotFoundError(
        absl::StrCat("group ", req->name(), " of show ", req->show(), " was not found")));
  }
  RPC(job, Group, GetGroups) {
    GRPC_ASSIGN(auto g, store_.getGroup(req->group().id()));
    GRPC_ASSIGN(auto groups, store_.getGroups(g.show_id));
    for (const auto& child : groups)
      if (child.parent_id == g.id) toProto(child, groups, resp->mutable_groups()->add_groups());
    return grpc::Status::OK;
  }
  RPC(job, Group, GetJobs) {
    GRPC_ASSIGN(auto g, store_.getGroup(req->group().id()));
    GRPC_ASSIGN(auto show, store_.getShow(g.show_id));
    core::JobSearch q;
    q.shows = {show.name};
    GRPC_ASSIGN(auto jobs, store_.getJobs(q));
    std::vector<core::Job> mine;
    for (const auto& j : jobs)
      if (j.group_id == g.id) mine.push_back(j);
    GRPC_CHECK(fillJobs(store_, mine, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  RPC(job, Group, CreateSubGroup) {
    GRPC_ASSIGN(auto parent, store_.getGroup(req->group().id()));
    GRPC_ASSIGN(auto g, store_.createGroup(parent.show_id, parent.id, req->name()));
    farm_.referenceChanged();
    return fill(g.id, resp->mutable_group());
  }
  RPC(job, Group, Delete) {
    GRPC_CHECK(store_.deleteGroup(req->group().id()));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(job, Group, SetGroup) { return reparent(req->group().id(), req->parent_group().id()); }
  RPC(job, Group, ReparentGroups) {
    for (const auto& child : req->groups().groups())
      if (auto st = reparent(child.id(), req->group().id()); !st.ok()) return st;
    return grpc::Status::OK;
  }
  RPC(job, Group, ReparentJobs) {
    GRPC_CHECK(store_.getGroup(req->group().id()).status());
    for (const auto& j : req->jobs().jobs()) {
      GRPC_CHECK(store_.setJobGroup(j.id(), req->group().id()));
      farm_.refreshJobs({j.id()});
    }
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  RPC(job, Group, SetName) {
    store::GroupPatch p;
    p.name = req->name();
    return patch(req->group().id(), p);
  }
  grpc::Status SetDepartment(grpc::ServerContext*, const job::GroupSetDeptRequest* req,
                             job::GroupSetDeptResponse*) override {
    if (req->dept().empty())
      return toGrpc(absl::InvalidArgumentError("a group's department cannot be empty"));
    store::GroupPatch p;
    p.department = req->dept();
    return patch(req->group().id(), p);
  }
  grpc::Status SetDefaultJobPriority(grpc::ServerContext*, const job::GroupSetDefJobPriorityRequest* req,
                                     job::GroupSetDefJobPriorityResponse*) override {
    if (req->priority() < -1) return invalid("default job priority", req->priority());
    store::GroupPatch p;
    p.default_job_priority = req->priority();
    return patch(req->group().id(), p);
  }
  grpc::Status SetDefaultJobMinCores(grpc::ServerContext*, const job::GroupSetDefJobMinCoresRequest* req,
                                     job::GroupSetDefJobMinCoresResponse*) override {
    store::GroupPatch p;
    p.default_job_min_cores = coreUnits(req->min_cores());
    return patch(req->group().id(), p);
  }
  grpc::Status SetDefaultJobMaxCores(grpc::ServerContext*, const job::GroupSetDefJobMaxCoresRequest* req,
                                     job::GroupSetDefJobMaxCoresResponse*) override {
    store::GroupPatch p;
    p.default_job_max_cores = coreUnits(req->max_cores());
    return patch(req->group().id(), p);
  }
  grpc::Status SetDefaultJobMinGpus(grpc::ServerContext*, const job::GroupSetDefJobMinGpusRequest* req,
                                    job::GroupSetDefJobMinGpusResponse*) override {
    if (req->min_gpus() < -1) return invalid("default job min gpus", req->min_gpus());
    store::GroupPatch p;
    p.default_job_min_gpus = req->min_gpus();
    return patch(req->group().id(), p);
  }
  grpc::Status SetDefaultJobMaxGpus(grpc::ServerContext*, const job::GroupSetDefJobMaxGpusRequest* req,
                                    job::GroupSetDefJobMaxGpusResponse*) override {
    if (req->max_gpus() < -1) return invalid("default job max gpus", req->max_gpus());
    store::GroupPatch p;
    p.default_job_max_gpus = req->max_gpus();
    return patch(req->group().id(), p);
  }
  RPC(job, Group, SetMinGpus) {
    if (req->min_gpus() < 0) return invalid("min gpus", req->min_gpus());
    store::GroupPatch p;
    p.min_gpus = req->min_gpus();
    return patch(req->group().id(), p);
  }
  RPC(job, Group, SetMaxGpus) {
    if (req->max_gpus() < -1) return invalid("max gpus", req->max_gpus());
    store::GroupPatch p;
    p.max_gpus = req->max_gpus();
    return patch(req->group().id(), p);
  }

 private:
  // A group with its level (depth below the show's root group).
  static void toProto(const core::Group& g, const std::vector<core::Group>& all, job::Group* out) {
    wire::toProto(g, out);
    int level = 0;
    std::string parent = g.parent_id;
    while (!parent.empty() && level < 1000) {
      ++level;
      auto it = std::find_if(all.begin(), all.end(), [&](const core::Group& x) { return x.id == parent; });
      parent = it == all.end() ? "" : it->parent_id;
    }
    out->set_level(level);
  }
  // The group with its level and stats (its own pending jobs' frames and booked cores).
  grpc::Status fill(const std::string& id, job::Group* out) {
    GRPC_ASSIGN(auto g, store_.getGroup(id));
    GRPC_ASSIGN(auto all, store_.getGroups(g.show_id));
    toProto(g, all, out);
    GRPC_ASSIGN(auto show, store_.getShow(g.show_id));
    core::JobSearch q;
    q.shows = {show.name};
    GRPC_ASSIGN(auto jobs, store_.getJobs(q));
    std::erase_if(jobs, [&](const core::Job& j) { return j.group_id != g.id; });
    std::vector<std::string> ids;
    for (const auto& j : jobs) ids.push_back(j.id);
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts(ids));
    for (const auto& j : jobs) wire::addToGroupStats(j, counts[j.id], out->mutable_group_stats());
    return grpc::Status::OK;
  }
  // Moves group `id` under `parent_id`, refusing a move below itself.
  grpc::Status reparent(const std::string& id, const std::string& parent_id) {
    GRPC_ASSIGN(auto g, store_.getGroup(id));
    GRPC_ASSIGN(auto parent, store_.getGroup(parent_id));
    GRPC_ASSIGN(auto all, store_.getGroups(g.show_id));
    for (std::string at = parent.id; !at.empty();) {
      if (at == g.id)
        return toGrpc(absl::InvalidArgumentError(absl::StrCat(
            "group ", g.name, " cannot move under ", parent.name, ": that group is within it")));
      auto it = std::find_if(all.begin(), all.end(), [&](const core::Group& x) { return x.id == at; });
      at = it == all.end() ? "" : it->parent_id;
    }
    store::GroupPatch p;
    p.parent_id = parent.id;
    return patch(g.id, p);
  }
  grpc::Status patch(const std::string& id, const store::GroupPatch& p) {
    GRPC_CHECK(store_.updateGroup(id, p));
    farm_.referenceChanged();
    return grpc::Status::OK;
  }
  static grpc::Status invalid(const char* what, int32_t v) {
    return toGrpc(absl::InvalidArgumentError(absl::StrCat("group ", what, " ", v, " is out of range")));
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeGroupService(Farm& farm) {
  return std::make_unique<GroupService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include <set>

#include "cuebot/app/proc_ops.h"
#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

class ProcService final : public host::ProcInterface::Service {
 public:
  explicit ProcService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(host, Proc, GetProcs) {
    GRPC_ASSIGN(auto procs, search(req->r()));
    GRPC_CHECK(fillProcs(store_, procs, resp->mutable_procs()));
    return grpc::Status::OK;
  }
  RPC(host, Proc, GetFrame) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_ASSIGN(auto f, store_.getFrame(p.frame_id));
    toProto(f, resp->mutable_frame());
    return grpc::Status::OK;
  }
  RPC(host, Proc, GetHost) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_ASSIGN(auto h, store_.getHost(p.host_id));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Proc, GetJob) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_ASSIGN(auto j, store_.getJob(p.job_id));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(host, Proc, GetLayer) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_ASSIGN(auto l, store_.getLayer(p.layer_id));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(l.job_id));
    toProto(l, counts[l.id], resp->mutable_layer());
    return grpc::Status::OK;
  }
  RPC(host, Proc, Kill) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    return toGrpc(farm_.killFrames({p.frame_id}, "proc killed"));
  }
  RPC(host, Proc, Unbook) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    return toGrpc(app::unbookProcs(farm_, {p}, req->kill(), "proc unbooked"));
  }
  RPC(host, Proc, UnbookProcs) {
    GRPC_ASSIGN(auto procs, search(req->r(), /*required=*/true));
    GRPC_CHECK(app::unbookProcs(farm_, procs, req->kill(), "proc unbooked"));
    resp->set_num_procs(static_cast<int32_t>(procs.size()));
    return grpc::Status::OK;
  }
  RPC(host, Proc, UnbookToGroup) {
    GRPC_ASSIGN(auto procs, search(req->r(), /*required=*/true));
    GRPC_CHECK(app::redirectProcs(farm_, procs, "", req->group().id(), req->kill()));
    resp->set_num_procs(static_cast<int32_t>(procs.size()));
    return grpc::Status::OK;
  }
  // Procs go to the first pending job of the list (OpenCue spreads them by priority).
  RPC(host, Proc, UnbookToJob) {
    if (req->jobs().jobs_size() == 0)
      return toGrpc(absl::InvalidArgumentError("UnbookToJob needs at least one job"));
    GRPC_ASSIGN(auto procs, search(req->r(), /*required=*/true));
    GRPC_CHECK(app::redirectProcs(farm_, procs, req->jobs().jobs(0).id(), "", req->kill()));
    resp->set_num_procs(static_cast<int32_t>(procs.size()));
    return grpc::Status::OK;
  }
  RPC(host, Proc, RedirectToJob) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_CHECK(app::redirectProcs(farm_, {p}, req->job_id(), "", req->kill()));
    resp->set_value(true);
    return grpc::Status::OK;
  }
  RPC(host, Proc, RedirectToGroup) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_CHECK(app::redirectProcs(farm_, {p}, "", req->group_id(), req->kill()));
    resp->set_value(true);
    return grpc::Status::OK;
  }
  RPC(host, Proc, ClearRedirect) {
    GRPC_ASSIGN(auto p, proc(req->proc().id()));
    GRPC_CHECK(app::clearRedirect(farm_, p.id));
    resp->set_value(!p.redirect_job_id.empty() || !p.redirect_group_id.empty());
    return grpc::Status::OK;
  }

 private:
  absl::StatusOr<core::Proc> proc(const std::string& id) {
    store::ProcSearch q;
    q.ids = {id};
    ASSIGN_OR_RETURN(auto procs, store_.getProcs(q));
    if (procs.empty()) return absl::NotFoundError(absl::StrCat("proc id ", id, " was not found"));
    return procs.front();
  }
  // Procs matching OpenCue's ProcSearchCriteria (hosts, jobs, layers, shows, allocations,
  // reserved memory, run time, paging). `required`: an operation must name at least one of them, never "every proc".
  absl::StatusOr<std::vector<core::Proc>> search(const host::ProcSearchCriteria& r,
                                                 bool required = false) {
    if (required && r.hosts_size() + r.jobs_size() + r.layers_size() + r.shows_size() +
                            r.allocs_size() == 0)
      return absl::InvalidArgumentError(
          "name at least one host, job, layer, show or allocation: an operation on every proc "
          "of the farm is refused");
    store::ProcSearch q;
    if (r.hosts_size() > 0 || r.allocs_size() > 0) {
      store::HostSearch hs;
      hs.names.assign(r.hosts().begin(), r.hosts().end());
      hs.allocs.assign(r.allocs().begin(), r.allocs().end());
      ASSIGN_OR_RETURN(auto hosts, store_.getHosts(hs));
      for (const auto& h : hosts) q.host_ids.push_back(h.id);
      if (q.host_ids.empty()) return std::vector<core::Proc>{};
    }
    for (const auto& name : r.jobs()) {
      auto j = store_.findJob(name);
      if (j.ok()) q.job_ids.push_back(j->id);
    }
    if (r.jobs_size() > 0 && q.job_ids.empty()) return std::vector<core::Proc>{};
    ASSIGN_OR_RETURN(auto procs, store_.getProcs(q));
    std::set<std::string> shows(r.shows().begin(), r.shows().end());
    std::set<std::string> layers(r.layers().begin(), r.layers().end());
    std::map<std::string, std::string> show_names;
    if (!shows.empty()) {
      ASSIGN_OR_RETURN(auto all, store_.getShows());
      for (const auto& s : all) show_names[s.id] = s.name;
    }
    // Layer names of the procs' jobs: one read per job, not per proc.
    std::map<std::string, std::string> layer_names;
    if (!layers.empty()) {
      std::set<std::string> jobs;
      for (const auto& p : procs) jobs.insert(p.job_id);
      for (const auto& job_id : jobs) {
        ASSIGN_OR_RETURN(auto ls, store_.getLayers(job_id));
        for (const auto& l : ls) layer_names[l.id] = l.name;
      }
    }
    // Reserved memory (KB) and time since dispatch (s), inclusive; a max below the min
    // (OpenCue's tools send -1) means no upper bound.
    auto inRange = [](int64_t v, const auto& ranges) {
      if (ranges.empty()) return true;
      const auto& r = ranges[0];
      return v >= r.min() && (r.max() < r.min() || v <= r.max());
    };
    const int64_t now = farm_.clock().nowSeconds();
    std::vector<core::Proc> out;
    int skipped = 0;
    for (const auto& p : procs) {
      if (!shows.empty() && !shows.contains(show_names[p.show_id])) continue;
      if (!layers.empty() && !layers.contains(layer_names[p.layer_id])) continue;
      if (!inRange(p.reserved_memory, r.memory_range())) continue;
      if (!inRange(now - p.booked_time, r.duration_range())) continue;
      if (r.memory_greater_than_size() > 0 && p.reserved_memory < r.memory_greater_than(0).value())
        continue;
      if (skipped++ < r.first_result()) continue;
      if (r.max_results_size() > 0 && r.max_results(0) > 0 &&
          static_cast<int>(out.size()) >= r.max_results(0))
        break;
      out.push_back(p);
    }
    return out;
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeProcService(Farm& farm) {
  return std::make_unique<ProcService>(farm);
}

}  // namespace cue::cuebot

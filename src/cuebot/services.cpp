#include "cuebot/services.h"

#include "cuebot/service/depend_service.h"
#include "cuebot/service/group_service.h"
#include "cuebot/service/limit_service.h"
#include "cuebot/service/scheduler_service.h"

#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/str_cat.h"
#include "comment.grpc.pb.h"
#include "common/logging.h"
#include "common/status.h"
#include "cue.grpc.pb.h"
#include "cuebot/convert.h"
#include "department.grpc.pb.h"
#include "depend.grpc.pb.h"
#include "facility.grpc.pb.h"
#include "filter.grpc.pb.h"
#include "host.grpc.pb.h"
#include "job.grpc.pb.h"
#include "limit.grpc.pb.h"
#include "monitoring.grpc.pb.h"
#include "renderPartition.grpc.pb.h"
#include "report.grpc.pb.h"
#include "service.grpc.pb.h"
#include "show.grpc.pb.h"
#include "subscription.grpc.pb.h"
#include "task.grpc.pb.h"

namespace cue::cuebot {

grpc::Status toGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

namespace {

// Declares an RPC handler: RPC(job, Job, GetJobs) handles job::JobGetJobsRequest.
#define RPC(ns, Prefix, Method)                                                  \
  grpc::Status Method(grpc::ServerContext* ctx, const ns::Prefix##Method##Request* req, \
                      ns::Prefix##Method##Response* resp) override

// Evaluates a StatusOr, returning its error as a grpc::Status.
#define GRPC_ASSIGN(lhs, expr)                          \
  auto CUE_CONCAT_(grpc_or_, __LINE__) = (expr);        \
  if (!CUE_CONCAT_(grpc_or_, __LINE__).ok())            \
    return toGrpc(CUE_CONCAT_(grpc_or_, __LINE__).status()); \
  lhs = std::move(CUE_CONCAT_(grpc_or_, __LINE__)).value()

#define GRPC_CHECK(expr)                  \
  do {                                    \
    absl::Status st_ = (expr);            \
    if (!st_.ok()) return toGrpc(st_);    \
  } while (0)

// The active depends on one side of a job, layer or frame, as OpenCue lists them.
absl::Status fillDepends(store::Store& store,
                         const absl::StatusOr<std::vector<core::Depend>>& depends,
                         depend::DependSeq* out) {
  if (!depends.ok()) return depends.status();
  return dependsToProto(store, *depends, /*active_only=*/true, out);
}

// Fills a JobSeq with jobs and their frame counts.
absl::Status fillJobs(store::Store& store, const std::vector<core::Job>& jobs, job::JobSeq* out) {
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  ASSIGN_OR_RETURN(auto counts, store.jobFrameCounts(ids));
  for (const auto& j : jobs) toProto(j, counts[j.id], out->add_jobs());
  return absl::OkStatus();
}

absl::Status fillFrames(store::Store& store, const std::string& job_id,
                        const job::FrameSearchCriteria& criteria, const std::string& layer,
                        job::FrameSeq* out) {
  ASSIGN_OR_RETURN(auto q, fromProto(criteria));
  q.job_id = job_id;
  if (!layer.empty()) q.layers = {layer};
  ASSIGN_OR_RETURN(auto frames, store.getFrames(q));
  for (const auto& f : frames) toProto(f, out->add_frames());
  return absl::OkStatus();
}

// Frame ids of a job matching criteria.
absl::StatusOr<std::vector<std::string>> frameIds(store::Store& store, const std::string& job_id,
                                                  const job::FrameSearchCriteria& criteria) {
  ASSIGN_OR_RETURN(auto q, fromProto(criteria));
  q.job_id = job_id;
  ASSIGN_OR_RETURN(auto frames, store.getFrames(q));
  std::vector<std::string> ids;
  for (const auto& f : frames) ids.push_back(f.id);
  return ids;
}

// Procs with their job and frame names: one read per job and one for all the frames.
absl::Status fillProcs(store::Store& store, const std::vector<core::Proc>& procs,
                       host::ProcSeq* out) {
  if (procs.empty()) return absl::OkStatus();
  std::map<std::string, std::string> job_name, frame_name;
  store::FrameSearch frames;
  for (const auto& p : procs) {
    if (!job_name.contains(p.job_id)) {
      auto job = store.getJob(p.job_id);
      job_name[p.job_id] = job.ok() ? job->name : "";
    }
    frames.ids.push_back(p.frame_id);
  }
  ASSIGN_OR_RETURN(auto found, store.getFrames(frames));
  for (const auto& f : found) frame_name[f.id] = f.name;
  for (const auto& p : procs) toProto(p, job_name[p.job_id], frame_name[p.frame_id], out->add_procs());
  return absl::OkStatus();
}

class CueService final : public ::cue::CueInterface::Service {
 public:
  explicit CueService(Farm& farm) : farm_(farm) {}
  RPC(::cue, Cue, GetSystemStats) {
    auto* s = resp->mutable_stats();
    const auto& d = farm_.dispatcher().stats();
    s->set_dispatch_executed(d.visits.load());
    s->set_dispatch_waiting(farm_.dispatcher().queued());
    s->set_dispatch_threads(2);
    s->set_booked_procs(d.booked.load());
    s->set_booking_errors(d.launch_failures.load());
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
};

// Cores as OpenCue's float fields carry them (4.5 = 450 core units).
core::CoreUnits floatCores(float cores) { return static_cast<core::CoreUnits>(cores * 100 + 0.5f); }

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
    toProto(s, resp->mutable_show());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetShows) {
    GRPC_ASSIGN(auto shows, store_.getShows());
    for (const auto& s : shows) toProto(s, resp->mutable_shows()->add_shows());
    return grpc::Status::OK;
  }
  RPC(show, Show, GetActiveShows) {
    GRPC_ASSIGN(auto shows, store_.getShows());
    for (const auto& s : shows)
      if (s.active) toProto(s, resp->mutable_shows()->add_shows());
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
    for (const auto& s : subs) toProto(s, resp->mutable_subscriptions()->add_subscriptions());
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

 private:
  Farm& farm_;
  store::Store& store_;
};

class JobService final : public job::JobInterface::Service {
 public:
  explicit JobService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Job, LaunchSpec) {
    GRPC_ASSIGN(auto jobs, farm_.launchSpec(req->spec()));
    for (const auto& j : jobs) resp->add_names(j.name);
    return grpc::Status::OK;
  }
  RPC(job, Job, LaunchSpecAndWait) {
    GRPC_ASSIGN(auto jobs, farm_.launchSpec(req->spec()));
    GRPC_CHECK(fillJobs(store_, jobs, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetJobs) {
    GRPC_ASSIGN(auto jobs, store_.getJobs(fromProto(req->r())));
    GRPC_CHECK(fillJobs(store_, jobs, resp->mutable_jobs()));
    return grpc::Status::OK;
  }
  RPC(job, Job, FindJob) {
    GRPC_ASSIGN(auto j, store_.findJob(req->name()));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetJob) {
    GRPC_ASSIGN(auto j, store_.getJob(req->id()));
    GRPC_ASSIGN(auto counts, store_.jobFrameCounts({j.id}));
    toProto(j, counts[j.id], resp->mutable_job());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetLayers) {
    GRPC_ASSIGN(auto layers, store_.getLayers(req->job().id()));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(req->job().id()));
    for (const auto& l : layers) toProto(l, counts[l.id], resp->mutable_layers()->add_layers());
    return grpc::Status::OK;
  }
  RPC(job, Job, GetFrames) {
    GRPC_CHECK(fillFrames(store_, req->job().id(), req->req(), "", resp->mutable_frames()));
    return grpc::Status::OK;
  }
  RPC(job, Job, Pause) { return toGrpc(farm_.pauseJob(req->job().id(), true)); }
  RPC(job, Job, SetMinCores) {
    GRPC_CHECK(store_.setJobMinMaxCores(req->job().id(), floatCores(req->val()), std::nullopt));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, SetMaxCores) {
    GRPC_CHECK(store_.setJobMinMaxCores(req->job().id(), std::nullopt, floatCores(req->val())));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, SetPriority) {
    GRPC_CHECK(store_.setJobPriority(req->job().id(), req->val()));
    farm_.jobChanged(req->job().id());
    return grpc::Status::OK;
  }
  RPC(job, Job, Resume) { return toGrpc(farm_.pauseJob(req->job().id(), false)); }
  RPC(job, Job, Kill) { return toGrpc(farm_.killJob(req->job().id(), req->reason())); }
  RPC(job, Job, IsJobPending) {
    auto j = store_.findJob(req->name());
    resp->set_value(j.ok() && j->state == core::JobState::kPending);
    return grpc::Status::OK;
  }
  RPC(job, Job, RetryFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.retryFrames(ids));
  }
  RPC(job, Job, EatFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.eatFrames(ids));
  }
  RPC(job, Job, KillFrames) {
    GRPC_ASSIGN(auto ids, frameIds(store_, req->job().id(), req->req()));
    return toGrpc(farm_.killFrames(ids, req->reason()));
  }
  // Every depend the job takes part in, either side, satisfied ones too.
  RPC(job, Job, GetDepends) {
    GRPC_CHECK(store_.getJob(req->job().id()).status());
    GRPC_ASSIGN(auto depends, store_.getDepends(req->job().id()));
    GRPC_CHECK(dependsToProto(store_, depends, /*active_only=*/false, resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOnThis(core::DependEntity::kJob, req->job().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kJob, req->job().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Job, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kJob, req->job().id(),
                                    fromProto(req->target())));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

class LayerService final : public job::LayerInterface::Service {
 public:
  explicit LayerService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Layer, FindLayer) {
    GRPC_ASSIGN(auto j, store_.findJob(req->job()));
    GRPC_ASSIGN(auto l, store_.findLayer(j.id, req->layer()));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(j.id));
    toProto(l, counts[l.id], resp->mutable_layer());
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetFrames) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    GRPC_CHECK(fillFrames(store_, l.job_id, req->s(), l.name, resp->mutable_frames()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_,
                           store_.dependsOnThis(core::DependEntity::kLayer, req->layer().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kLayer, req->layer().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Layer, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kLayer, req->layer().id(),
                                    fromProto(req->target())));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

class FrameService final : public job::FrameInterface::Service {
 public:
  explicit FrameService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  RPC(job, Frame, GetFrame) {
    GRPC_ASSIGN(auto f, store_.getFrame(req->id()));
    toProto(f, resp->mutable_frame());
    return grpc::Status::OK;
  }
  RPC(job, Frame, Retry) { return toGrpc(farm_.retryFrames({req->frame().id()})); }
  RPC(job, Frame, Eat) { return toGrpc(farm_.eatFrames({req->frame().id()})); }
  RPC(job, Frame, Kill) { return toGrpc(farm_.killFrames({req->frame().id()}, req->reason())); }
  RPC(job, Frame, GetWhatDependsOnThis) {
    GRPC_CHECK(fillDepends(store_,
                           store_.dependsOnThis(core::DependEntity::kFrame, req->frame().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Frame, GetWhatThisDependsOn) {
    GRPC_CHECK(fillDepends(store_, store_.dependsOn(core::DependEntity::kFrame, req->frame().id()),
                           resp->mutable_depends()));
    return grpc::Status::OK;
  }
  RPC(job, Frame, DropDepends) {
    return toGrpc(farm_.dropDepends(core::DependEntity::kFrame, req->frame().id(),
                                    fromProto(req->target())));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

class HostService final : public host::HostInterface::Service {
 public:
  explicit HostService(Farm& farm) : farm_(farm), store_(farm.store()) {}
  // Scheduling settings of a host: stored, then the farm model re-reads the host.
  RPC(host, Host, Lock) {
    GRPC_CHECK(store_.setHostLock(req->host().id(), core::LockState::kLocked));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, Unlock) {
    GRPC_CHECK(store_.setHostLock(req->host().id(), core::LockState::kOpen));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, AddTags) {
    GRPC_CHECK(store_.addHostTags(req->host().id(), {req->tags().begin(), req->tags().end()}));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, RemoveTags) {
    GRPC_CHECK(
        store_.removeHostTags(req->host().id(), {req->tags().begin(), req->tags().end()}));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, SetThreadMode) {
    GRPC_CHECK(store_.setHostThreadMode(req->host().id(),
                                        static_cast<core::ThreadMode>(req->mode())));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetHosts) {
    GRPC_ASSIGN(auto hosts, store_.getHosts(fromProto(req->r())));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(host, Host, FindHost) {
    GRPC_ASSIGN(auto h, store_.findHost(req->name()));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetHost) {
    GRPC_ASSIGN(auto h, store_.getHost(req->id()));
    toProto(h, resp->mutable_host());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetProcs) {
    store::ProcSearch q;
    q.host_ids = {req->host().id()};
    GRPC_ASSIGN(auto procs, store_.getProcs(q));
    GRPC_CHECK(fillProcs(store_, procs, resp->mutable_procs()));
    return grpc::Status::OK;
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

class ProcService final : public host::ProcInterface::Service {
 public:
  explicit ProcService(Farm& farm) : store_(farm.store()) {}
  RPC(host, Proc, GetProcs) {
    const auto& r = req->r();
    store::ProcSearch q;
    if (r.hosts_size() > 0) {
      store::HostSearch hs;
      hs.names.assign(r.hosts().begin(), r.hosts().end());
      GRPC_ASSIGN(auto hosts, store_.getHosts(hs));
      for (const auto& h : hosts) q.host_ids.push_back(h.id);
      if (q.host_ids.empty()) return grpc::Status::OK;
    }
    for (const auto& name : r.jobs()) {
      auto j = store_.findJob(name);
      if (j.ok()) q.job_ids.push_back(j->id);
    }
    if (r.jobs_size() > 0 && q.job_ids.empty()) return grpc::Status::OK;
    GRPC_ASSIGN(auto procs, store_.getProcs(q));
    GRPC_CHECK(fillProcs(store_, procs, resp->mutable_procs()));
    return grpc::Status::OK;
  }

 private:
  store::Store& store_;
};

class FacilityService final : public facility::FacilityInterface::Service {
 public:
  explicit FacilityService(Farm& farm) : store_(farm.store()) {}
  RPC(facility, Facility, Get) {
    GRPC_ASSIGN(auto f, store_.findFacility(req->name()));
    resp->mutable_facility()->set_id(f.id);
    resp->mutable_facility()->set_name(f.name);
    return grpc::Status::OK;
  }
  RPC(facility, Facility, GetAllocations) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs)
      if (a.facility == req->facility().name() || a.facility_id == req->facility().id())
        toProto(a, resp->mutable_allocations()->add_allocations());
    return grpc::Status::OK;
  }

 private:
  store::Store& store_;
};

class AllocationService final : public facility::AllocationInterface::Service {
 public:
  explicit AllocationService(Farm& farm) : store_(farm.store()) {}
  RPC(facility, Alloc, GetAll) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs) toProto(a, resp->mutable_allocations()->add_allocations());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Find) {
    GRPC_ASSIGN(auto a, store_.findAllocation(req->name()));
    toProto(a, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, Get) {
    GRPC_ASSIGN(auto allocs, store_.getAllocations());
    for (const auto& a : allocs)
      if (a.id == req->id()) {
        toProto(a, resp->mutable_allocation());
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("allocation id ", req->id(), " was not found"));
  }
  RPC(facility, Alloc, GetDefault) {
    GRPC_ASSIGN(auto a, store_.findAllocation("local.general"));
    toProto(a, resp->mutable_allocation());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, GetHosts) {
    store::HostSearch q;
    q.allocs = {req->allocation().name()};
    GRPC_ASSIGN(auto hosts, store_.getHosts(q));
    for (const auto& h : hosts) toProto(h, resp->mutable_hosts()->add_hosts());
    return grpc::Status::OK;
  }
  RPC(facility, Alloc, GetSubscriptions) {
    GRPC_ASSIGN(auto subs, store_.getSubscriptions(""));
    for (const auto& s : subs)
      if (s.alloc_id == req->allocation().id() || s.alloc_name == req->allocation().name())
        toProto(s, resp->mutable_subscriptions()->add_subscriptions());
    return grpc::Status::OK;
  }

 private:
  store::Store& store_;
};

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
        return grpc::Status::OK;
      }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("subscription ", req->name(), " was not found"));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

class ReportService final : public report::RqdReportInterface::Service {
 public:
  explicit ReportService(Farm& farm, const common::Clock& clock) : farm_(farm), clock_(clock) {}
  grpc::Status ReportRqdStartup(grpc::ServerContext* ctx, const report::RqdReportRqdStartupRequest* req,
                      report::RqdReportRqdStartupResponse* resp) override {
    const auto& b = req->boot_report();
    if (b.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "boot report without a host name");
    return toGrpc(farm_.onBoot(fromProto(b.host(), b.core_info(), ctx->peer(), clock_.nowSeconds())));
  }
  grpc::Status ReportStatus(grpc::ServerContext* ctx, const report::RqdReportStatusRequest* req,
                      report::RqdReportStatusResponse* resp) override {
    const auto& h = req->host_report();
    if (h.host().name().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "host report without a host name");
    std::vector<RunningFrameReport> frames;
    for (const auto& f : h.frames()) {
      RunningFrameReport r;
      r.proc_id = f.resource_id();
      r.frame_id = f.frame_id();
      auto done = f.attributes().find("cue_completed");
      r.completed = done != f.attributes().end() && done->second == "true";
      r.usage.proc_id = f.resource_id();
      r.usage.frame_id = f.frame_id();
      r.usage.rss = f.rss();
      r.usage.max_rss = f.max_rss();
      r.usage.pss = f.pss();
      r.usage.max_pss = f.max_pss();
      r.usage.vsize = f.vsize();
      r.usage.llu_time = f.llu_time();
      frames.push_back(std::move(r));
    }
    return toGrpc(farm_.onStatus(
        fromProto(h.host(), h.core_info(), ctx->peer(), clock_.nowSeconds()), frames));
  }
  grpc::Status ReportRunningFrameCompletion(grpc::ServerContext* ctx, const report::RqdReportRunningFrameCompletionRequest* req,
                      report::RqdReportRunningFrameCompletionResponse* resp) override {
    const auto& c = req->frame_complete_report();
    if (c.frame().frame_id().empty() || c.frame().resource_id().empty())
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "frame completion without frame_id or resource_id");
    store::FrameCompletion done;
    done.proc_id = c.frame().resource_id();
    done.frame_id = c.frame().frame_id();
    done.host_name = c.host().name();
    done.exit_status = c.exit_status();
    done.exit_signal = c.exit_signal();
    done.run_time = c.run_time();
    done.max_rss = c.frame().max_rss();
    done.max_pss = c.frame().max_pss();
    done.now = clock_.nowSeconds();
    return toGrpc(farm_.onFrameComplete(done));
  }

 private:
  Farm& farm_;
  const common::Clock& clock_;
};

// Names the method in UNIMPLEMENTED answers, which gRPC leaves empty.
class UnimplementedNamer final : public grpc::experimental::Interceptor {
 public:
  explicit UnimplementedNamer(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method() ? info->method() : "") {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status s = m->GetSendStatus();
      if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED && s.error_message().empty())
        m->ModifySendStatus(grpc::Status(
            grpc::StatusCode::UNIMPLEMENTED,
            absl::StrCat(method_, " is not implemented by Cue's cuebot yet")));
    }
    m->Proceed();
  }

 private:
  std::string method_;
};

class UnimplementedNamerFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new UnimplementedNamer(info);
  }
};

#undef RPC

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> registerServices(Farm& farm,
                                                             grpc::ServerBuilder& builder) {
  std::vector<std::unique_ptr<grpc::Service>> s;
  s.push_back(std::make_unique<CueService>(farm));
  s.push_back(std::make_unique<ShowService>(farm));
  s.push_back(std::make_unique<JobService>(farm));
  s.push_back(std::make_unique<LayerService>(farm));
  s.push_back(std::make_unique<FrameService>(farm));
  s.push_back(std::make_unique<HostService>(farm));
  s.push_back(std::make_unique<ProcService>(farm));
  s.push_back(std::make_unique<FacilityService>(farm));
  s.push_back(std::make_unique<AllocationService>(farm));
  s.push_back(std::make_unique<SubscriptionService>(farm));
  s.push_back(std::make_unique<ReportService>(farm, common::SystemClock::instance()));
  s.push_back(makeSchedulerService(farm));  // Cue's extension (cue.ext)
  s.push_back(makeLimitService(farm));
  s.push_back(makeGroupService(farm));
  s.push_back(makeDependService(farm));
  // Registered with OpenCue's defaults: every RPC answers UNIMPLEMENTED, named.
  s.push_back(std::make_unique<comment::CommentInterface::Service>());
  s.push_back(std::make_unique<department::DepartmentInterface::Service>());
  s.push_back(std::make_unique<filter::ActionInterface::Service>());
  s.push_back(std::make_unique<filter::FilterInterface::Service>());
  s.push_back(std::make_unique<filter::MatcherInterface::Service>());
  s.push_back(std::make_unique<host::DeedInterface::Service>());
  s.push_back(std::make_unique<host::OwnerInterface::Service>());
  s.push_back(std::make_unique<monitoring::MonitoringInterface::Service>());
  s.push_back(std::make_unique<renderPartition::RenderPartitionInterface::Service>());
  s.push_back(std::make_unique<service::ServiceInterface::Service>());
  s.push_back(std::make_unique<service::ServiceOverrideInterface::Service>());
  s.push_back(std::make_unique<task::TaskInterface::Service>());
  for (auto& svc : s) builder.RegisterService(svc.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<UnimplementedNamerFactory>());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  return s;
}

}  // namespace cue::cuebot

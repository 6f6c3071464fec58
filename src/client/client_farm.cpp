// Client: shows, groups, subscriptions, services, allocations, hosts, procs, limits.
#include "client/client.h"
#include "client/rpc_call.h"
#include "facility.grpc.pb.h"
#include "host.grpc.pb.h"
#include "job.grpc.pb.h"
#include "limit.grpc.pb.h"
#include "service.grpc.pb.h"
#include "show.grpc.pb.h"
#include "subscription.grpc.pb.h"
#include "wire/convert.h"
#include "wire/view_convert.h"

namespace cue::client {

using wire::fromProto;

namespace {

show::Show showRef(const std::string& id) {
  show::Show s;
  s.set_id(id);
  return s;
}
facility::Allocation allocRef(const std::string& id) {
  facility::Allocation a;
  a.set_id(id);
  return a;
}
subscription::Subscription subRef(const std::string& id) {
  subscription::Subscription s;
  s.set_id(id);
  return s;
}
job::Group groupRef(const std::string& id) {
  job::Group g;
  g.set_id(id);
  return g;
}
host::Host hostRef(const std::string& id) {
  host::Host h;
  h.set_id(id);
  return h;
}

template <class Out, class Seq>
std::vector<Out> convertAll(const Seq& seq) {
  std::vector<Out> out;
  out.reserve(seq.size());
  for (const auto& m : seq) out.push_back(fromProto(m));
  return out;
}

}  // namespace

// ---- shows ----

absl::StatusOr<std::vector<core::ShowView>> Client::getShows() {
  show::ShowGetShowsRequest req;
  show::ShowGetShowsResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetShows, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::ShowView>(resp.shows().shows());
}

absl::StatusOr<core::ShowView> Client::findShow(const std::string& name) {
  show::ShowFindShowRequest req;
  req.set_name(name);
  show::ShowFindShowResponse resp;
  auto st = CUE_RPC(show::ShowInterface, FindShow, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.show());
}

absl::StatusOr<core::ShowView> Client::createShow(const std::string& name) {
  show::ShowCreateShowRequest req;
  req.set_name(name);
  show::ShowCreateShowResponse resp;
  auto st = CUE_RPC(show::ShowInterface, CreateShow, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.show());
}

absl::Status Client::deleteShow(const std::string& show_id) {
  show::ShowDeleteRequest req;
  *req.mutable_show() = showRef(show_id);
  show::ShowDeleteResponse resp;
  return CUE_RPC(show::ShowInterface, Delete, req, &resp);
}

absl::Status Client::setShowActive(const std::string& show_id, bool active) {
  show::ShowSetActiveRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_value(active);
  show::ShowSetActiveResponse resp;
  return CUE_RPC(show::ShowInterface, SetActive, req, &resp);
}

absl::Status Client::enableDispatching(const std::string& show_id, bool on) {
  show::ShowEnableDispatchingRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_enabled(on);
  show::ShowEnableDispatchingResponse resp;
  return CUE_RPC(show::ShowInterface, EnableDispatching, req, &resp);
}

absl::Status Client::enableBooking(const std::string& show_id, bool on) {
  show::ShowEnableBookingRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_enabled(on);
  show::ShowEnableBookingResponse resp;
  return CUE_RPC(show::ShowInterface, EnableBooking, req, &resp);
}

absl::Status Client::setDefaultMinCores(const std::string& show_id, double cores) {
  show::ShowSetDefaultMinCoresRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_min_cores(static_cast<float>(cores));
  show::ShowSetDefaultMinCoresResponse resp;
  return CUE_RPC(show::ShowInterface, SetDefaultMinCores, req, &resp);
}

absl::Status Client::setDefaultMaxCores(const std::string& show_id, double cores) {
  show::ShowSetDefaultMaxCoresRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_max_cores(static_cast<float>(cores));
  show::ShowSetDefaultMaxCoresResponse resp;
  return CUE_RPC(show::ShowInterface, SetDefaultMaxCores, req, &resp);
}

absl::Status Client::archiveShow(const std::string& show_id, const std::string& target_show) {
  show::ShowArchiveRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_target_show_name(target_show);
  show::ShowArchiveResponse resp;
  return CUE_RPC(show::ShowInterface, Archive, req, &resp);
}

absl::StatusOr<std::vector<core::SubscriptionView>> Client::getShowSubscriptions(
    const std::string& show_id) {
  show::ShowGetSubscriptionRequest req;
  *req.mutable_show() = showRef(show_id);
  show::ShowGetSubscriptionResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetSubscriptions, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::SubscriptionView>(resp.subscriptions().subscriptions());
}

absl::StatusOr<core::SubscriptionView> Client::createSubscription(const std::string& show_id,
                                                                  const std::string& alloc_id,
                                                                  double size_cores,
                                                                  double burst_cores) {
  show::ShowCreateSubscriptionRequest req;
  *req.mutable_show() = showRef(show_id);
  req.set_allocation_id(alloc_id);
  req.set_size(static_cast<float>(size_cores));
  req.set_burst(static_cast<float>(burst_cores));
  show::ShowCreateSubscriptionResponse resp;
  auto st = CUE_RPC(show::ShowInterface, CreateSubscription, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.subscription());
}

absl::StatusOr<core::SubscriptionView> Client::findSubscription(const std::string& name) {
  subscription::SubscriptionFindRequest req;
  req.set_name(name);
  subscription::SubscriptionFindResponse resp;
  auto st = CUE_RPC(subscription::SubscriptionInterface, Find, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.subscription());
}

absl::Status Client::setSubscriptionSize(const std::string& sub_id, core::CoreUnits size) {
  subscription::SubscriptionSetSizeRequest req;
  *req.mutable_subscription() = subRef(sub_id);
  req.set_new_size(size);
  subscription::SubscriptionSetSizeResponse resp;
  return CUE_RPC(subscription::SubscriptionInterface, SetSize, req, &resp);
}

absl::Status Client::setSubscriptionBurst(const std::string& sub_id, core::CoreUnits burst) {
  subscription::SubscriptionSetBurstRequest req;
  *req.mutable_subscription() = subRef(sub_id);
  req.set_burst(burst);
  subscription::SubscriptionSetBurstResponse resp;
  return CUE_RPC(subscription::SubscriptionInterface, SetBurst, req, &resp);
}

absl::Status Client::deleteSubscription(const std::string& sub_id) {
  subscription::SubscriptionDeleteRequest req;
  *req.mutable_subscription() = subRef(sub_id);
  subscription::SubscriptionDeleteResponse resp;
  return CUE_RPC(subscription::SubscriptionInterface, Delete, req, &resp);
}

absl::StatusOr<std::vector<core::Service>> Client::getDefaultServices() {
  service::ServiceGetDefaultServicesRequest req;
  service::ServiceGetDefaultServicesResponse resp;
  auto st = CUE_RPC(service::ServiceInterface, GetDefaultServices, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::Service>(resp.services().services());
}

absl::StatusOr<std::vector<core::Service>> Client::getServiceOverrides(const std::string& show_id) {
  show::ShowGetServiceOverridesRequest req;
  *req.mutable_show() = showRef(show_id);
  show::ShowGetServiceOverridesResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetServiceOverrides, req, &resp);
  if (!st.ok()) return st;
  std::vector<core::Service> out;
  for (const auto& o : resp.service_overrides().service_overrides()) out.push_back(fromProto(o.data()));
  return out;
}

// ---- groups ----

absl::StatusOr<std::vector<core::Group>> Client::getShowGroups(const std::string& show_id) {
  show::ShowGetGroupsRequest req;
  *req.mutable_show() = showRef(show_id);
  show::ShowGetGroupsResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetGroups, req, &resp);
  if (!st.ok()) return st;
  auto groups = convertAll<core::Group>(resp.groups().groups());
  for (auto& g : groups) g.show_id = show_id;
  return groups;
}

absl::StatusOr<core::Group> Client::getRootGroup(const std::string& show_id) {
  show::ShowGetRootGroupRequest req;
  *req.mutable_show() = showRef(show_id);
  show::ShowGetRootGroupResponse resp;
  auto st = CUE_RPC(show::ShowInterface, GetRootGroup, req, &resp);
  if (!st.ok()) return st;
  core::Group g = fromProto(resp.group());
  g.show_id = show_id;
  return g;
}

absl::StatusOr<std::vector<core::JobView>> Client::getGroupJobs(const std::string& group_id) {
  job::GroupGetJobsRequest req;
  *req.mutable_group() = groupRef(group_id);
  job::GroupGetJobsResponse resp;
  auto st = CUE_RPC(job::GroupInterface, GetJobs, req, &resp);
  if (!st.ok()) return st;
  auto jobs = convertAll<core::JobView>(resp.jobs().jobs());
  for (auto& j : jobs) j.job.group_id = group_id;  // not on the wire
  return jobs;
}

absl::Status Client::setGroupMinCores(const std::string& group_id, double cores) {
  job::GroupSetMinCoresRequest req;
  *req.mutable_group() = groupRef(group_id);
  req.set_min_cores(static_cast<float>(cores));
  job::GroupSetMinCoresResponse resp;
  return CUE_RPC(job::GroupInterface, SetMinCores, req, &resp);
}

absl::Status Client::setGroupMaxCores(const std::string& group_id, double cores) {
  job::GroupSetMaxCoresRequest req;
  *req.mutable_group() = groupRef(group_id);
  req.set_max_cores(cores < 0 ? -1.0f : static_cast<float>(cores));
  job::GroupSetMaxCoresResponse resp;
  return CUE_RPC(job::GroupInterface, SetMaxCores, req, &resp);
}

absl::Status Client::setGroupDefaultJobPriority(const std::string& group_id, int priority) {
  job::GroupSetDefJobPriorityRequest req;
  *req.mutable_group() = groupRef(group_id);
  req.set_priority(priority);
  job::GroupSetDefJobPriorityResponse resp;
  return CUE_RPC(job::GroupInterface, SetDefaultJobPriority, req, &resp);
}

// ---- allocations ----

absl::StatusOr<std::vector<core::AllocationView>> Client::getAllocations() {
  facility::AllocGetAllRequest req;
  facility::AllocGetAllResponse resp;
  auto st = CUE_RPC(facility::AllocationInterface, GetAll, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::AllocationView>(resp.allocations().allocations());
}

absl::StatusOr<core::AllocationView> Client::findAllocation(const std::string& name) {
  facility::AllocFindRequest req;
  req.set_name(name);
  facility::AllocFindResponse resp;
  auto st = CUE_RPC(facility::AllocationInterface, Find, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.allocation());
}

absl::StatusOr<core::AllocationView> Client::createAllocation(const std::string& facility_name,
                                                              const std::string& name,
                                                              const std::string& tag) {
  facility::FacilityGetRequest freq;
  freq.set_name(facility_name);
  facility::FacilityGetResponse fresp;
  auto st = CUE_RPC(facility::FacilityInterface, Get, freq, &fresp);
  if (!st.ok()) return st;
  facility::AllocCreateRequest req;
  req.set_name(name);
  req.set_tag(tag);
  *req.mutable_facility() = fresp.facility();
  facility::AllocCreateResponse resp;
  st = CUE_RPC(facility::AllocationInterface, Create, req, &resp);
  if (!st.ok()) return st;
  return fromProto(resp.allocation());
}

absl::Status Client::deleteAllocation(const std::string& alloc_id) {
  facility::AllocDeleteRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  facility::AllocDeleteResponse resp;
  return CUE_RPC(facility::AllocationInterface, Delete, req, &resp);
}

absl::Status Client::renameAllocation(const std::string& alloc_id, const std::string& new_name) {
  facility::AllocSetNameRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  req.set_name(new_name);
  facility::AllocSetNameResponse resp;
  return CUE_RPC(facility::AllocationInterface, SetName, req, &resp);
}

absl::Status Client::setAllocationTag(const std::string& alloc_id, const std::string& tag) {
  facility::AllocSetTagRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  req.set_tag(tag);
  facility::AllocSetTagResponse resp;
  return CUE_RPC(facility::AllocationInterface, SetTag, req, &resp);
}

absl::StatusOr<std::vector<core::Host>> Client::getAllocationHosts(const std::string& alloc_id) {
  facility::AllocGetHostsRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  facility::AllocGetHostsResponse resp;
  auto st = CUE_RPC(facility::AllocationInterface, GetHosts, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::Host>(resp.hosts().hosts());
}

absl::Status Client::reparentHosts(const std::string& alloc_id,
                                   const std::vector<std::string>& host_ids) {
  facility::AllocReparentHostsRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  for (const auto& id : host_ids) *req.mutable_hosts()->add_hosts() = hostRef(id);
  facility::AllocReparentHostsResponse resp;
  return CUE_RPC(facility::AllocationInterface, ReparentHosts, req, &resp);
}

absl::StatusOr<std::vector<core::SubscriptionView>> Client::getAllocationSubscriptions(
    const std::string& alloc_id) {
  facility::AllocGetSubscriptionsRequest req;
  *req.mutable_allocation() = allocRef(alloc_id);
  facility::AllocGetSubscriptionsResponse resp;
  auto st = CUE_RPC(facility::AllocationInterface, GetSubscriptions, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::SubscriptionView>(resp.subscriptions().subscriptions());
}

// ---- hosts and procs ----

absl::StatusOr<std::vector<core::Host>> Client::getHosts(const HostQuery& q) {
  host::HostGetHostsRequest req;
  auto* r = req.mutable_r();
  for (const auto& v : q.names) r->add_hosts(v);
  for (const auto& v : q.substrs) r->add_substr(v);
  for (const auto& v : q.allocs) r->add_allocs(v);
  for (auto s : q.states) r->mutable_states()->add_state(static_cast<host::HardwareState>(s));
  host::HostGetHostsResponse resp;
  auto st = CUE_RPC(host::HostInterface, GetHosts, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::Host>(resp.hosts().hosts());
}

#define CUE_HOST_OP(Method, RpcName)                          \
  absl::Status Client::Method(const std::string& host_id) {   \
    host::Host##RpcName##Request req;                         \
    *req.mutable_host() = hostRef(host_id);                   \
    host::Host##RpcName##Response resp;                       \
    return CUE_RPC(host::HostInterface, RpcName, req, &resp); \
  }
CUE_HOST_OP(lockHost, Lock)
CUE_HOST_OP(unlockHost, Unlock)
CUE_HOST_OP(deleteHost, Delete)
CUE_HOST_OP(rebootHostWhenIdle, RebootWhenIdle)
#undef CUE_HOST_OP

absl::Status Client::setHardwareState(const std::string& host_id, core::HardwareState state) {
  host::HostSetHardwareStateRequest req;
  *req.mutable_host() = hostRef(host_id);
  req.set_state(static_cast<host::HardwareState>(state));
  host::HostSetHardwareStateResponse resp;
  return CUE_RPC(host::HostInterface, SetHardwareState, req, &resp);
}

absl::Status Client::setHostAllocation(const std::string& host_id, const std::string& alloc_id) {
  host::HostSetAllocationRequest req;
  *req.mutable_host() = hostRef(host_id);
  req.set_allocation_id(alloc_id);
  host::HostSetAllocationResponse resp;
  return CUE_RPC(host::HostInterface, SetAllocation, req, &resp);
}

absl::Status Client::setThreadMode(const std::string& host_id, core::ThreadMode mode) {
  host::HostSetThreadModeRequest req;
  *req.mutable_host() = hostRef(host_id);
  req.set_mode(static_cast<host::ThreadMode>(mode));
  host::HostSetThreadModeResponse resp;
  return CUE_RPC(host::HostInterface, SetThreadMode, req, &resp);
}

absl::Status Client::addHostTags(const std::string& host_id,
                                 const std::vector<std::string>& tags) {
  host::HostAddTagsRequest req;
  *req.mutable_host() = hostRef(host_id);
  for (const auto& t : tags) req.add_tags(t);
  host::HostAddTagsResponse resp;
  return CUE_RPC(host::HostInterface, AddTags, req, &resp);
}

absl::Status Client::removeHostTags(const std::string& host_id,
                                    const std::vector<std::string>& tags) {
  host::HostRemoveTagsRequest req;
  *req.mutable_host() = hostRef(host_id);
  for (const auto& t : tags) req.add_tags(t);
  host::HostRemoveTagsResponse resp;
  return CUE_RPC(host::HostInterface, RemoveTags, req, &resp);
}

absl::StatusOr<std::vector<core::ProcView>> Client::getProcs(const ProcQuery& q) {
  host::ProcGetProcsRequest req;
  auto* r = req.mutable_r();
  for (const auto& v : q.shows) r->add_shows(v);
  for (const auto& v : q.hosts) r->add_hosts(v);
  for (const auto& v : q.allocs) r->add_allocs(v);
  for (const auto& v : q.jobs) r->add_jobs(v);
  if (q.memory_kb) {
    auto* m = r->add_memory_range();
    m->set_min(q.memory_kb->first);
    m->set_max(q.memory_kb->second);
  }
  if (q.duration_s) {
    auto* d = r->add_duration_range();
    d->set_min(q.duration_s->first);
    d->set_max(q.duration_s->second);
  }
  if (q.limit > 0) r->add_max_results(q.limit);
  host::ProcGetProcsResponse resp;
  auto st = CUE_RPC(host::ProcInterface, GetProcs, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::ProcView>(resp.procs().procs());
}

absl::Status Client::killProc(const std::string& proc_id) {
  host::ProcKillRequest req;
  req.mutable_proc()->set_id(proc_id);
  host::ProcKillResponse resp;
  return CUE_RPC(host::ProcInterface, Kill, req, &resp);
}

absl::Status Client::unbookProc(const std::string& proc_id, bool kill) {
  host::ProcUnbookRequest req;
  req.mutable_proc()->set_id(proc_id);
  req.set_kill(kill);
  host::ProcUnbookResponse resp;
  return CUE_RPC(host::ProcInterface, Unbook, req, &resp);
}

// ---- limits ----

absl::StatusOr<std::vector<core::LimitView>> Client::getLimits() {
  limit::LimitGetAllRequest req;
  limit::LimitGetAllResponse resp;
  auto st = CUE_RPC(limit::LimitInterface, GetAll, req, &resp);
  if (!st.ok()) return st;
  return convertAll<core::LimitView>(resp.limits());
}

}  // namespace cue::client

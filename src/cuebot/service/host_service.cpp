#include "cuebot/service/service_factory.h"

#include <set>

#include "common/logging.h"
#include "cuebot/app/proc_ops.h"
#include "cuebot/rqd_client.h"
#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

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

  RPC(host, Host, AddComment) {
    GRPC_CHECK(store_.getHost(req->host().id()).status());
    auto c = fromProto(req->new_comment());
    c.id.clear();
    c.parent_id = req->host().id();
    c.timestamp = farm_.clock().nowSeconds();
    GRPC_CHECK(store_.addComment(c).status());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetComments) {
    GRPC_CHECK(store_.getHost(req->host().id()).status());
    GRPC_ASSIGN(auto comments, store_.getComments(req->host().id()));
    for (const auto& c : comments) toProto(c, resp->mutable_comments()->add_comments());
    return grpc::Status::OK;
  }
  RPC(host, Host, Delete) {
    GRPC_CHECK(store_.deleteHost(req->host().id()));
    farm_.refreshHost(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, GetDeed) {
    GRPC_ASSIGN(auto d, store_.getHostDeed(req->host().id()));
    GRPC_CHECK(fillDeed(store_, d, resp->mutable_deed()));
    return grpc::Status::OK;
  }
  RPC(host, Host, GetOwner) {
    GRPC_ASSIGN(auto d, store_.getHostDeed(req->host().id()));
    GRPC_ASSIGN(auto o, store_.getOwner(d.owner_id));
    GRPC_CHECK(fillOwner(store_, o, resp->mutable_owner()));
    return grpc::Status::OK;
  }
  // Every host with the procs booked on it (CueGUI's host monitor).
  grpc::Status GetHostWhiteboard(grpc::ServerContext*, const host::HostGetHostWhiteboardRequest*,
                                 host::HostGetHostWhiteboardResponse* resp) override {
    GRPC_ASSIGN(auto hosts, store_.getHosts({}));
    GRPC_ASSIGN(auto procs, store_.getProcs({}));
    host::ProcSeq all;
    GRPC_CHECK(fillProcs(store_, procs, &all));
    for (const auto& h : hosts) {
      host::Host flat;
      toProto(h, &flat);
      auto* nested = resp->mutable_nested_hosts()->add_nested_hosts();
      wire::copySameNamedFields(flat, nested);
      for (int k = 0; k < all.procs_size(); ++k)
        if (procs[k].host_id == h.id)
          wire::copySameNamedFields(all.procs(k), nested->mutable_procs()->add_nested_procs());
    }
    return grpc::Status::OK;
  }
  RPC(host, Host, GetRenderPartitions) {
    GRPC_ASSIGN(auto h, store_.getHost(req->host().id()));
    GRPC_ASSIGN(auto parts, store_.getRenderPartitions(h.id));
    for (const auto& p : parts) {
      wire::RenderPartitionNames names;
      names.host = h.name;
      if (auto j = store_.getJob(p.job_id); j.ok()) names.job = j->name;
      if (!p.layer_id.empty())
        if (auto l = store_.getLayer(p.layer_id); l.ok()) names.layer = l->name;
      if (!p.frame_id.empty())
        if (auto f = store_.getFrame(p.frame_id); f.ok()) names.frame = f->name;
      toProto(p, names, resp->mutable_render_partitions()->add_render_partitions());
    }
    return grpc::Status::OK;
  }
  // The host goes REBOOTING and its rqd is asked to reboot now (best effort: an rqd that
  // refuses or cannot be reached is logged; the state stays until it boots again).
  RPC(host, Host, Reboot) { return reboot(req->host().id(), core::HardwareState::kRebooting); }
  // The host takes no new frames and reboots once idle.
  RPC(host, Host, RebootWhenIdle) {
    return reboot(req->host().id(), core::HardwareState::kRebootWhenIdle);
  }
  RPC(host, Host, RedirectToJob) {
    GRPC_ASSIGN(auto h, store_.getHost(req->host().id()));
    store::ProcSearch q;
    q.host_ids = {h.id};
    GRPC_ASSIGN(auto procs, store_.getProcs(q));
    // proc_names are the names GetProcs gave ("<host>/<cores>/<gpus>") or proc ids.
    std::set<std::string> wanted(req->proc_names().begin(), req->proc_names().end());
    host::Proc named;
    std::vector<core::Proc> chosen;
    for (const auto& p : procs) {
      toProto(p, "", "", &named);
      if (wanted.empty() || wanted.contains(p.id) || wanted.contains(named.name()))
        chosen.push_back(p);
    }
    GRPC_CHECK(app::redirectProcs(farm_, chosen, req->job_id(), "", /*kill=*/true));
    resp->set_value(!chosen.empty());
    return grpc::Status::OK;
  }
  RPC(host, Host, RenameTag) {
    if (req->new_tag().empty())
      return toGrpc(absl::InvalidArgumentError("the new tag cannot be empty"));
    GRPC_ASSIGN(auto h, store_.getHost(req->host().id()));
    if (std::find(h.tags.begin(), h.tags.end(), req->old_tag()) == h.tags.end())
      return toGrpc(absl::NotFoundError(
          absl::StrCat("host ", h.name, " has no tag ", req->old_tag())));
    GRPC_CHECK(store_.removeHostTags(h.id, {req->old_tag()}));
    GRPC_CHECK(store_.addHostTags(h.id, {req->new_tag()}));
    farm_.hostChanged(h.id);
    return grpc::Status::OK;
  }
  RPC(host, Host, SetAllocation) {
    store::HostPatch p;
    p.alloc_id = req->allocation_id();
    GRPC_CHECK(store_.updateHost(req->host().id(), p));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, SetHardwareState) {
    if (!host::HardwareState_IsValid(req->state()))
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("hardware state ", req->state(), " is not a HardwareState")));
    GRPC_CHECK(store_.setHostState(req->host().id(), static_cast<core::HardwareState>(req->state())));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }
  RPC(host, Host, SetOs) {
    store::HostPatch p;
    p.os = req->os();
    GRPC_CHECK(store_.updateHost(req->host().id(), p));
    farm_.hostChanged(req->host().id());
    return grpc::Status::OK;
  }

 private:
  grpc::Status reboot(const std::string& id, core::HardwareState state) {
    GRPC_ASSIGN(auto h, store_.getHost(id));
    GRPC_CHECK(store_.setHostState(h.id, state));
    farm_.hostChanged(h.id);
    auto st = state == core::HardwareState::kRebooting ? farm_.rqd().rebootNow(h.rqd_address)
                                                       : farm_.rqd().rebootIdle(h.rqd_address);
    if (!st.ok())
      common::logger("cuebot")->warn("rqd on {} did not take the reboot: {}", h.name, st.ToString());
    return grpc::Status::OK;
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeHostService(Farm& farm) {
  return std::make_unique<HostService>(farm);
}

}  // namespace cue::cuebot

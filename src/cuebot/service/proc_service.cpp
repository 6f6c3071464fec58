#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "host.grpc.pb.h"

namespace cue::cuebot {
namespace {

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

}  // namespace

std::unique_ptr<grpc::Service> makeProcService(Farm& farm) {
  return std::make_unique<ProcService>(farm);
}

}  // namespace cue::cuebot

#include "cuebot/service/service_factory.h"

#include <map>
#include <string>

#include "common/status.h"
#include "cuebot/service/rpc.h"
#include "depend.grpc.pb.h"

namespace cue::cuebot {
namespace {

// Names of jobs, layers and frames by id, read one job at a time and kept.
class Namer {
 public:
  explicit Namer(store::Store& store) : store_(store) {}

  wire::DependNames names(const core::Depend& d) {
    wire::DependNames n;
    const Job& er = job(d.er_job_id);
    const Job& on = job(d.on_job_id);
    n.er_job = er.name;
    n.er_layer = lookup(er.layers, d.er_layer_id);
    n.er_frame = lookup(er.frames, d.er_frame_id);
    n.on_job = on.name;
    n.on_layer = lookup(on.layers, d.on_layer_id);
    n.on_frame = lookup(on.frames, d.on_frame_id);
    return n;
  }

 private:
  struct Job {
    std::string name;
    std::map<std::string, std::string> layers, frames;
  };

  static std::string lookup(const std::map<std::string, std::string>& m, const std::string& id) {
    auto it = m.find(id);
    return it == m.end() ? "" : it->second;
  }

  const Job& job(const std::string& id) {
    auto [it, fresh] = jobs_.try_emplace(id);
    if (!fresh || id.empty()) return it->second;
    auto j = store_.getJob(id);
    if (!j.ok()) return it->second;
    it->second.name = j->name;
    if (auto layers = store_.getLayers(id); layers.ok())
      for (const auto& l : *layers) it->second.layers[l.id] = l.name;
    store::FrameSearch q;
    q.job_id = id;
    if (auto frames = store_.getFrames(q); frames.ok())
      for (const auto& f : *frames) it->second.frames[f.id] = f.name;
    return it->second;
  }

  store::Store& store_;
  std::map<std::string, Job> jobs_;
};

class DependService final : public depend::DependInterface::Service {
 public:
  explicit DependService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  grpc::Status GetDepend(grpc::ServerContext*, const depend::DependGetDependRequest* req,
                         depend::DependGetDependResponse* resp) override {
    auto d = store_.getDepend(req->id());
    if (!d.ok()) return toGrpc(d.status());
    Namer namer(store_);
    toProto(*d, namer.names(*d), resp->mutable_depend());
    return grpc::Status::OK;
  }
  grpc::Status Satisfy(grpc::ServerContext*, const depend::DependSatisfyRequest* req,
                       depend::DependSatisfyResponse*) override {
    return toGrpc(farm_.satisfyDepend(req->depend().id()));
  }
  grpc::Status Unsatisfy(grpc::ServerContext*, const depend::DependUnsatisfyRequest* req,
                         depend::DependUnsatisfyResponse*) override {
    return toGrpc(farm_.unsatisfyDepend(req->depend().id()));
  }

 private:
  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeDependService(Farm& farm) {
  return std::make_unique<DependService>(farm);
}

absl::Status dependsToProto(store::Store& store, const std::vector<core::Depend>& depends,
                            bool active_only, depend::DependSeq* out) {
  Namer namer(store);
  for (const auto& d : depends)
    if (d.active || !active_only) toProto(d, namer.names(d), out->add_depends());
  return absl::OkStatus();
}

}  // namespace cue::cuebot

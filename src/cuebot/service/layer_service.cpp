#include "cuebot/service/service_factory.h"

#include "cuebot/app/job_ops.h"
#include "cuebot/service/rpc.h"
#include "limit.pb.h"
#include "job.grpc.pb.h"

namespace cue::cuebot {
namespace {

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
    GRPC_CHECK(fillFrames(farm_, l.job_id, req->s(), l.name, resp->mutable_frames()));
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

  RPC(job, Layer, GetLayer) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->id()));
    GRPC_ASSIGN(auto counts, store_.layerFrameCounts(l.job_id));
    toProto(l, counts[l.id], resp->mutable_layer());
    return grpc::Status::OK;
  }
  RPC(job, Layer, EatFrames) {
    GRPC_ASSIGN(auto ids, layerFrames(req->layer().id()));
    return toGrpc(farm_.eatFrames(ids));
  }
  RPC(job, Layer, RetryFrames) {
    GRPC_ASSIGN(auto ids, layerFrames(req->layer().id()));
    return toGrpc(farm_.retryFrames(ids));
  }
  RPC(job, Layer, KillFrames) {
    GRPC_ASSIGN(auto ids, layerFrames(req->layer().id()));
    return toGrpc(farm_.killFrames(ids, req->reason()));
  }
  RPC(job, Layer, MarkdoneFrames) {
    GRPC_CHECK(store_.getLayer(req->layer().id()).status());
    return toGrpc(app::satisfyWhatDependsOn(farm_, core::DependEntity::kLayer, {req->layer().id()}));
  }
  RPC(job, Layer, ReorderFrames) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    return toGrpc(app::reorderFrames(farm_, l.job_id, l.id, req->range(),
                                     static_cast<core::FrameOrder>(req->order())));
  }
  RPC(job, Layer, StaggerFrames) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    return toGrpc(app::staggerFrames(farm_, l.job_id, l.id, req->range(), req->stagger()));
  }
  RPC(job, Layer, AddLimit) {
    GRPC_CHECK(store_.addLayerLimit(req->layer().id(), req->limit_id()));
    return changed(req->layer().id());
  }
  RPC(job, Layer, DropLimit) {
    GRPC_CHECK(store_.dropLayerLimit(req->layer().id(), req->limit_id()));
    return changed(req->layer().id());
  }
  RPC(job, Layer, GetLimits) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    for (const auto& name : l.limits) {
      auto lim = store_.findLimit(name);
      if (!lim.ok()) continue;  // a limit deleted since
      auto* out = resp->add_limits();
      out->set_id(lim->id);
      out->set_name(lim->name);
      out->set_max_value(lim->max_value);
      out->set_current_running(farm_.limitRunning(lim->id));
    }
    return grpc::Status::OK;
  }
  RPC(job, Layer, GetOutputPaths) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    for (const auto& o : l.outputs) resp->add_output_paths(o);
    return grpc::Status::OK;
  }
  RPC(job, Layer, RegisterOutputPath) {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    if (req->spec().empty() || req->spec().find('|') != std::string::npos)
      return toGrpc(absl::InvalidArgumentError(
          absl::StrCat("output path \"", req->spec(), "\" must be non-empty without '|'")));
    if (std::find(l.outputs.begin(), l.outputs.end(), req->spec()) != l.outputs.end())
      return grpc::Status::OK;
    l.outputs.push_back(req->spec());
    store::LayerPatch p;
    p.outputs = l.outputs;
    return patch(l.id, p);
  }
  RPC(job, Layer, EnableMemoryOptimizer) {
    store::LayerPatch p;
    p.memory_optimizer = req->value();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetDispatchOrder) {
    store::LayerPatch p;
    p.dispatch_order = req->order();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMinCores) {
    if (req->cores() <= 0) return invalid("min cores", req->cores(), "must be above 0");
    store::LayerPatch p;
    p.min_cores = floatCores(req->cores());
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMaxCores) {
    if (req->cores() < 0) return invalid("max cores", req->cores(), "cannot be negative");
    store::LayerPatch p;
    p.max_cores = floatCores(req->cores());
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMinGpus) {
    if (req->min_gpus() < 0) return invalid("min gpus", req->min_gpus(), "cannot be negative");
    store::LayerPatch p;
    p.min_gpus = req->min_gpus();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMaxGpus) {
    if (req->max_gpus() < 0) return invalid("max gpus", req->max_gpus(), "cannot be negative");
    store::LayerPatch p;
    p.max_gpus = req->max_gpus();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMinGpuMemory) {
    if (req->gpu_memory() < 0) return invalid("min gpu memory", req->gpu_memory(), "cannot be negative");
    store::LayerPatch p;
    p.min_gpu_memory = req->gpu_memory();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMinGpu) {
    if (req->gpu() < 0) return invalid("min gpu memory", req->gpu(), "cannot be negative");
    store::LayerPatch p;
    p.min_gpu_memory = req->gpu();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetMinMemory) {
    GRPC_CHECK(store_.setLayerMinMemory(req->layer().id(), req->memory()));
    return changed(req->layer().id());
  }
  RPC(job, Layer, SetStartAfter) {
    if (req->start_after() < 0) return invalid("start_after", req->start_after(), "cannot be negative");
    store::LayerPatch p;
    p.start_after = req->start_after();
    p.start_after_reason = req->start_after() == 0 ? "" : absl::StrCat("set by ", req->username());
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetTags) {
    std::vector<std::string> tags(req->tags().begin(), req->tags().end());
    GRPC_CHECK(store_.setLayerTags(req->layer().id(), tags));
    return changed(req->layer().id());
  }
  RPC(job, Layer, SetThreadable) {
    store::LayerPatch p;
    p.threadable = req->threadable();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetTimeout) {
    if (req->timeout() < 0) return invalid("timeout", req->timeout(), "cannot be negative");
    store::LayerPatch p;
    p.timeout_min = req->timeout();
    return patch(req->layer().id(), p);
  }
  RPC(job, Layer, SetTimeoutLLU) {
    if (req->timeout_llu() < 0) return invalid("timeout_llu", req->timeout_llu(), "cannot be negative");
    store::LayerPatch p;
    p.timeout_llu_min = req->timeout_llu();
    return patch(req->layer().id(), p);
  }
  grpc::Status AddRenderPartition(grpc::ServerContext*, const job::LayerAddRenderPartitionRequest* req,
                                  job::LayerAddRenderPartitionResponse* resp) override {
    GRPC_ASSIGN(auto l, store_.getLayer(req->layer().id()));
    app::PartitionRequest r{l.job_id, l.id, "", req->host(), req->threads(), req->max_cores(),
                            req->max_memory(), req->max_gpu_memory(), req->max_gpus()};
    GRPC_ASSIGN(auto p, app::addRenderPartition(farm_, r));
    toProto(p.partition, {p.job, p.layer, p.frame, p.host}, resp->mutable_render_partition());
    return grpc::Status::OK;
  }
  grpc::Status CreateDependencyOnJob(grpc::ServerContext*, const job::LayerCreateDependOnJobRequest* req,
                                     job::LayerCreateDependOnJobResponse* resp) override {
    return createDependProto(farm_, core::DependEntity::kLayer, req->layer().id(),
                             core::DependEntity::kJob, req->job().id(), resp->mutable_depend());
  }
  grpc::Status CreateDependencyOnLayer(grpc::ServerContext*,
                                       const job::LayerCreateDependOnLayerRequest* req,
                                       job::LayerCreateDependOnLayerResponse* resp) override {
    return createDependProto(farm_, core::DependEntity::kLayer, req->layer().id(),
                             core::DependEntity::kLayer, req->depend_on_layer().id(),
                             resp->mutable_depend());
  }
  grpc::Status CreateDependencyOnFrame(grpc::ServerContext*,
                                       const job::LayerCreateDependOnFrameRequest* req,
                                       job::LayerCreateDependOnFrameResponse* resp) override {
    return createDependProto(farm_, core::DependEntity::kLayer, req->layer().id(),
                             core::DependEntity::kFrame, req->frame().id(), resp->mutable_depend());
  }
  // One FRAME_ON_FRAME per frame; the answer carries the first of them.
  grpc::Status CreateFrameByFrameDependency(grpc::ServerContext*,
                                            const job::LayerCreateFrameByFrameDependRequest* req,
                                            job::LayerCreateFrameByFrameDependResponse* resp) override {
    GRPC_ASSIGN(auto n, app::createFrameByFrame(farm_, req->layer().id(), req->depend_layer().id()));
    if (n > 0) {
      GRPC_ASSIGN(auto deps, store_.dependsOn(core::DependEntity::kLayer, req->layer().id()));
      for (const auto& d : deps)
        if (d.on_layer_id == req->depend_layer().id() && d.type == core::DependType::kFrameOnFrame) {
          depend::DependSeq seq;
          GRPC_CHECK(dependsToProto(store_, {d}, false, &seq));
          if (seq.depends_size() > 0) *resp->mutable_depend() = seq.depends(0);
          break;
        }
    }
    return grpc::Status::OK;
  }

 private:
  absl::StatusOr<std::vector<std::string>> layerFrames(const std::string& layer_id) {
    ASSIGN_OR_RETURN(auto l, store_.getLayer(layer_id));
    store::FrameSearch q;
    q.job_id = l.job_id;
    q.layers = {l.name};
    ASSIGN_OR_RETURN(auto frames, store_.getFrames(q));
    std::vector<std::string> ids;
    for (const auto& f : frames) ids.push_back(f.id);
    return ids;
  }
  grpc::Status changed(const std::string& layer_id) {
    auto l = store_.getLayer(layer_id);
    if (l.ok()) farm_.jobChanged(l->job_id);
    return grpc::Status::OK;
  }
  grpc::Status patch(const std::string& layer_id, const store::LayerPatch& p) {
    GRPC_CHECK(store_.updateLayer(layer_id, p));
    return changed(layer_id);
  }
  template <typename V>
  static grpc::Status invalid(const char* what, V v, const char* why) {
    return toGrpc(absl::InvalidArgumentError(absl::StrCat("layer ", what, " ", v, " ", why)));
  }

  Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeLayerService(Farm& farm) {
  return std::make_unique<LayerService>(farm);
}

}  // namespace cue::cuebot

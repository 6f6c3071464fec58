#include "cuebot/app/job_ops.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/logging.h"
#include "common/status.h"
#include "core/frame_set.h"

namespace cue::cuebot::app {
namespace {

using core::DependEntity;
using core::DependType;

DependType typeOf(DependEntity waiter, DependEntity on) {
  static const DependType kTypes[3][3] = {
      {DependType::kJobOnJob, DependType::kJobOnLayer, DependType::kJobOnFrame},
      {DependType::kLayerOnJob, DependType::kLayerOnLayer, DependType::kLayerOnFrame},
      {DependType::kFrameOnJob, DependType::kFrameOnLayer, DependType::kFrameOnFrame}};
  return kTypes[static_cast<int>(waiter)][static_cast<int>(on)];
}

// A new depend of `waiter` on `on`: INTERNAL within one job, EXTERNAL across jobs.
core::Depend makeDepend(DependType type, const core::DependEntityRef& waiter,
                        const core::DependEntityRef& on) {
  core::Depend d;
  d.id = common::newId();
  d.type = type;
  d.target = waiter.job_id == on.job_id ? core::DependTarget::kInternal
                                        : core::DependTarget::kExternal;
  d.er_job_id = waiter.job_id;
  d.er_layer_id = waiter.layer_id;
  d.er_frame_id = waiter.frame_id;
  d.on_job_id = on.job_id;
  d.on_layer_id = on.layer_id;
  d.on_frame_id = on.frame_id;
  return d;
}

// Whether `inner` is `outer` or lies within it (a frame of a layer, a layer of a job).
bool within(const core::DependEntityRef& inner, const core::DependEntityRef& outer) {
  if (inner.job_id != outer.job_id) return false;
  if (outer.kind == DependEntity::kJob) return true;
  if (inner.layer_id != outer.layer_id) return false;
  if (outer.kind == DependEntity::kLayer) return true;
  return inner.frame_id == outer.frame_id;
}

absl::StatusOr<std::set<int32_t>> numbersOf(const std::string& range) {
  ASSIGN_OR_RETURN(auto set, core::FrameSet::parse(range));
  return std::set<int32_t>(set.frames().begin(), set.frames().end());
}

// The layers of the job to edit: all, or the one named by id.
absl::StatusOr<std::vector<core::Layer>> layersToEdit(store::Store& store, const std::string& job_id,
                                                      const std::string& layer_id) {
  if (!layer_id.empty()) {
    ASSIGN_OR_RETURN(auto l, store.getLayer(layer_id));
    return std::vector<core::Layer>{l};
  }
  RETURN_IF_ERROR(store.getJob(job_id).status());
  return store.getLayers(job_id);
}

template <typename Fn>
absl::Status editOrders(Farm& farm, const std::string& job_id, const std::string& layer_id,
                        const std::string& range, Fn edit) {
  ASSIGN_OR_RETURN(auto numbers, numbersOf(range));
  ASSIGN_OR_RETURN(auto layers, layersToEdit(farm.store(), job_id, layer_id));
  std::vector<std::pair<std::string, int32_t>> orders;
  std::set<std::string> jobs;
  for (const auto& l : layers) {
    store::FrameSearch q;
    q.job_id = l.job_id;
    q.layers = {l.name};
    ASSIGN_OR_RETURN(auto frames, farm.store().getFrames(q));  // in dispatch order
    std::vector<core::OrderedFrame> ordered;
    for (const auto& f : frames) ordered.push_back({f.id, f.number});
    auto edited = edit(ordered, numbers);
    orders.insert(orders.end(), edited.begin(), edited.end());
    jobs.insert(l.job_id);
  }
  RETURN_IF_ERROR(farm.store().setFrameDispatchOrders(orders));
  farm.refreshJobs(jobs);
  farm.dispatcher().kickAll();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<core::DependEntityRef> resolve(store::Store& store, DependEntity kind,
                                              const std::string& id) {
  core::DependEntityRef ref;
  ref.kind = kind;
  switch (kind) {
    case DependEntity::kJob: {
      ASSIGN_OR_RETURN(auto j, store.getJob(id));
      ref.job_id = j.id;
      break;
    }
    case DependEntity::kLayer: {
      ASSIGN_OR_RETURN(auto l, store.getLayer(id));
      ref.job_id = l.job_id;
      ref.layer_id = l.id;
      break;
    }
    case DependEntity::kFrame: {
      ASSIGN_OR_RETURN(auto f, store.getFrame(id));
      ref.job_id = f.job_id;
      ref.layer_id = f.layer_id;
      ref.frame_id = f.id;
      break;
    }
  }
  return ref;
}

absl::StatusOr<core::Depend> createDepend(Farm& farm, const core::DependEntityRef& waiter,
                                          const core::DependEntityRef& on) {
  if (within(waiter, on) || within(on, waiter))
    return absl::InvalidArgumentError(
        "a job, layer or frame cannot depend on itself or on what contains it or lies within it");
  core::Depend d = makeDepend(typeOf(waiter.kind, on.kind), waiter, on);
  ASSIGN_OR_RETURN(auto result, farm.store().createDepends({d}));
  farm.refreshJobs(std::set<std::string>(result.job_ids.begin(), result.job_ids.end()));
  farm.dispatcher().kickAll();
  return d;
}

absl::StatusOr<int> createFrameByFrame(Farm& farm, const std::string& layer_id,
                                       const std::string& on_layer_id) {
  ASSIGN_OR_RETURN(auto layer, farm.store().getLayer(layer_id));
  ASSIGN_OR_RETURN(auto on_layer, farm.store().getLayer(on_layer_id));
  if (layer.id == on_layer.id)
    return absl::InvalidArgumentError(absl::StrCat("layer ", layer.name, " cannot depend on itself"));
  store::FrameSearch q;
  q.job_id = layer.job_id;
  q.layers = {layer.name};
  ASSIGN_OR_RETURN(auto frames, farm.store().getFrames(q));
  q.job_id = on_layer.job_id;
  q.layers = {on_layer.name};
  ASSIGN_OR_RETURN(auto on_frames, farm.store().getFrames(q));
  // The frame (chunk) of the depend-on layer holding each number: the highest first number
  // at or below it.
  std::map<int32_t, std::string> by_number;
  for (const auto& f : on_frames) by_number[f.number] = f.id;
  std::vector<core::Depend> depends;
  for (const auto& f : frames) {
    auto it = by_number.upper_bound(f.number);
    if (it == by_number.begin()) continue;
    --it;
    depends.push_back(makeDepend(DependType::kFrameOnFrame,
                                 {DependEntity::kFrame, layer.job_id, layer.id, f.id},
                                 {DependEntity::kFrame, on_layer.job_id, on_layer.id, it->second}));
  }
  ASSIGN_OR_RETURN(auto result, farm.store().createDepends(depends));
  farm.refreshJobs(std::set<std::string>(result.job_ids.begin(), result.job_ids.end()));
  farm.dispatcher().kickAll();
  return static_cast<int>(depends.size());
}

absl::Status reorderFrames(Farm& farm, const std::string& job_id, const std::string& layer_id,
                           const std::string& range, core::FrameOrder order) {
  return editOrders(farm, job_id, layer_id, range,
                    [&](const std::vector<core::OrderedFrame>& frames,
                        const std::set<int32_t>& numbers) {
                      return core::reorderFrames(frames, numbers, order);
                    });
}

absl::Status staggerFrames(Farm& farm, const std::string& job_id, const std::string& layer_id,
                           const std::string& range, int32_t stagger) {
  if (stagger < 1)
    return absl::InvalidArgumentError(
        absl::StrCat("stagger ", stagger, " is invalid: it must be 1 or more"));
  return editOrders(farm, job_id, layer_id, range,
                    [&](const std::vector<core::OrderedFrame>& frames,
                        const std::set<int32_t>& numbers) {
                      return core::staggerFrames(frames, numbers, stagger);
                    });
}

absl::Status markFramesWaiting(Farm& farm, const std::vector<std::string>& frame_ids) {
  auto jobs = farm.jobsOfFrames(frame_ids);
  ASSIGN_OR_RETURN(auto changed, farm.store().markFramesWaiting(frame_ids));
  if (!changed.empty()) {
    farm.refreshJobs(jobs);
    farm.dispatcher().kickAll();
  }
  return absl::OkStatus();
}

absl::Status markFrameDepend(Farm& farm, const std::string& frame_id) {
  RETURN_IF_ERROR(farm.store().markFrameDepend(frame_id));
  farm.refreshJobs(farm.jobsOfFrames({frame_id}));
  return absl::OkStatus();
}

absl::Status satisfyWhatDependsOn(Farm& farm, DependEntity kind,
                                  const std::vector<std::string>& ids) {
  std::set<std::string> seen;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto depends, farm.store().dependsOnThis(kind, id));
    for (const auto& d : depends)
      if (d.active && seen.insert(d.id).second) RETURN_IF_ERROR(farm.satisfyDepend(d.id));
  }
  return absl::OkStatus();
}

absl::Status shutdownIfCompleted(Farm& farm, const std::string& job_id) {
  ASSIGN_OR_RETURN(auto job, farm.store().getJob(job_id));
  if (job.state != core::JobState::kPending) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto counts, farm.store().jobFrameCounts({job_id}));
  const auto& c = counts[job_id];
  if (c.succeeded + c.eaten < c.total) return absl::OkStatus();
  common::logger("cuebot")->info("job {} has no frame left to run: finished", job.name);
  return farm.killJob(job_id, "job completed");
}

absl::StatusOr<PartitionWithNames> addRenderPartition(Farm& farm, const PartitionRequest& r) {
  auto& store = farm.store();
  PartitionWithNames out;
  ASSIGN_OR_RETURN(auto host, store.findHost(r.host));
  ASSIGN_OR_RETURN(auto job, store.getJob(r.job_id));
  out.host = host.name;
  out.job = job.name;
  core::RenderPartition& p = out.partition;
  p.host_id = host.id;
  p.job_id = job.id;
  p.type = core::RenderPartitionType::kJob;
  if (!r.layer_id.empty()) {
    ASSIGN_OR_RETURN(auto layer, store.getLayer(r.layer_id));
    p.layer_id = layer.id;
    out.layer = layer.name;
    p.type = core::RenderPartitionType::kLayer;
  }
  if (!r.frame_id.empty()) {
    ASSIGN_OR_RETURN(auto frame, store.getFrame(r.frame_id));
    p.layer_id = frame.layer_id;
    p.frame_id = frame.id;
    out.layer = frame.layer_name;
    out.frame = frame.name;
    p.type = core::RenderPartitionType::kFrame;
  }
  if (r.threads < 0 || r.max_cores < 0 || r.max_memory < 0 || r.max_gpu_memory < 0 || r.max_gpus < 0)
    return absl::InvalidArgumentError("a render partition's threads and maximums cannot be negative");
  p.threads = std::max(r.threads, 1);
  p.max_cores = r.max_cores * core::kCoreUnitsPerCore;
  p.max_memory = r.max_memory;
  p.max_gpu_memory = r.max_gpu_memory;
  p.max_gpus = r.max_gpus;
  ASSIGN_OR_RETURN(p, store.createRenderPartition(p));
  return out;
}

}  // namespace cue::cuebot::app

// The checks that decide whether one layer's next frame may run on one host, shared by
// the planner (plan.h) and the explainer (explain.h), and the scratch overlay that lets a
// plan see its own bookings without changing the view.
//
// Checks run in a fixed order so that the first failing one is the reason reported:
//   job-wide:   job finished, paused; show inactive, booking/dispatch off; no frame left
//               but depend-held ones; job at max cores / max GPUs; folder cap; limits;
//   host-wide:  host down, locked, NIMBY;
//   layer/host: tags; the frame fits the empty host; subscription exists and is below
//               burst; idle cores (less unaccounted load), memory, GPUs, GPU memory,
//               slots; GPU hosts keep room for waiting GPU work; reservations.
// Thread-safety: pure functions over const views.
#pragma once

#include <optional>
#include <vector>

#include "dispatch/farm_view.h"
#include "dispatch/plan.h"

namespace cue::dispatch {

// Counters added by the bookings of the plan being made, on top of the view's.
class Overlay {
 public:
  explicit Overlay(const FarmView& farm);

  CoreUnits subUsed(Index s) const { return farm_.subs[s].used + sub_[s]; }
  CoreUnits jobUsed(Index j) const { return farm_.jobs[j].used_cores + job_cores_[j]; }
  int32_t jobGpus(Index j) const { return farm_.jobs[j].used_gpus + job_gpus_[j]; }
  CoreUnits groupUsed(Index g) const { return farm_.groups[g].used + group_[g]; }
  int32_t limitRunning(Index l) const { return farm_.limits[l].running + limit_[l]; }
  size_t layerHead(Index l) const { return farm_.layers[l].waiting_head + layer_taken_[l]; }
  size_t layerWaiting(Index l) const { return farm_.layers[l].waiting.size() - layerHead(l); }
  CoreUnits hostUsedCores(Index h) const { return farm_.hosts[h].used_cores + host_cores_[h]; }
  MemoryKb hostUsedMemory(Index h) const { return farm_.hosts[h].used_memory + host_mem_[h]; }
  int32_t hostUsedGpus(Index h) const { return farm_.hosts[h].used_gpus + host_gpus_[h]; }
  MemoryKb hostUsedGpuMemory(Index h) const {
    return farm_.hosts[h].used_gpu_memory + host_gpu_mem_[h];
  }
  int32_t hostUsedSlots(Index h) const { return farm_.hosts[h].used_slots + host_slots_[h]; }
  bool reservationTaken(Index host) const;

  // Records a booking of the layer's next frame.
  void add(const Booking& b);

 private:
  const FarmView& farm_;
  std::vector<CoreUnits> sub_, job_cores_, group_, host_cores_;
  std::vector<int32_t> job_gpus_, limit_, host_gpus_, host_slots_;
  std::vector<MemoryKb> host_mem_, host_gpu_mem_;
  std::vector<size_t> layer_taken_;
  std::vector<Index> reserved_layer_booked_;  // hosts whose reserved frame was booked
};

// The resources one frame of `layer` would take on `host` given what is idle there now.
struct Proposal {
  CoreUnits cores = 0;
  MemoryKb memory = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  int32_t slots = 0;
};

// Facts computed once per plan.
struct PlanContext {
  explicit PlanContext(const FarmView& farm);
  // Per allocation: some GPU layer with waiting frames may run there.
  std::vector<bool> gpu_demand;
  // Per host: index into farm.reservations, or kNone.
  std::vector<Index> reservation_of_host;
};

// True when the host carries at least one of the layer's tags (or the layer has none).
bool tagsMatch(const LayerView& layer, const HostView& host);
// Idle cores usable now: booked-idle cores less load that cuebot did not book.
CoreUnits usableIdleCores(const HostView& host, CoreUnits used_cores, const Config& config);
// Cores a frame of the layer needs at least on this host (min_cores <= 0 resolved).
CoreUnits minCoresOn(const LayerView& layer, const HostView& host);
// Memory the layer's next frame needs (a frame's own larger need wins).
MemoryKb frameMemory(const LayerView& layer, size_t head);
// Expected run time of a frame of the layer.
EpochSec expectedSeconds(const LayerView& layer, const Config& config);

// Checks that do not depend on the host; nullopt when the job's layer may book.
std::optional<SkipReason> jobBlocked(const FarmView& farm, const Overlay& ov, Index layer);
// The host's own state; nullopt when it can book.
std::optional<SkipReason> hostBlocked(const HostView& host);

// Every layer/host check after jobBlocked and hostBlocked. On success fills `out`.
std::optional<SkipReason> fitOnHost(const FarmView& farm, const Overlay& ov,
                                    const PlanContext& ctx, const Config& config, Index layer,
                                    Index host, EpochSec now, Proposal& out);

}  // namespace cue::dispatch

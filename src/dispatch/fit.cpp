#include "dispatch/fit.h"

#include <algorithm>
#include <cmath>

namespace cue::dispatch {
namespace {

constexpr CoreUnits kCore = core::kCoreUnitsPerCore;

CoreUnits wholeCoresDown(CoreUnits c) { return c / kCore * kCore; }

// Cores left under the job's, folders' caps for one more frame; a negative value means
// no cap applies.
CoreUnits capRoom(const FarmView& farm, const Overlay& ov, const JobView& job, Index j) {
  CoreUnits room = -1;
  auto tighten = [&](CoreUnits r) { room = room < 0 ? r : std::min(room, r); };
  if (job.max_cores > 0) tighten(std::max<CoreUnits>(0, job.max_cores - ov.jobUsed(j)));
  for (Index g = job.group; g != kNone; g = farm.groups[g].parent) {
    const GroupView& gv = farm.groups[g];
    if (gv.max_cores >= 0) tighten(std::max<CoreUnits>(0, gv.max_cores - ov.groupUsed(g)));
  }
  return room;
}

}  // namespace

Overlay::Overlay(const FarmView& farm)
    : farm_(farm),
      sub_(farm.subs.size()),
      job_cores_(farm.jobs.size()),
      group_(farm.groups.size()),
      host_cores_(farm.hosts.size()),
      job_gpus_(farm.jobs.size()),
      limit_(farm.limits.size()),
      host_gpus_(farm.hosts.size()),
      host_slots_(farm.hosts.size()),
      host_mem_(farm.hosts.size()),
      host_gpu_mem_(farm.hosts.size()),
      layer_taken_(farm.layers.size()) {}

bool Overlay::reservationTaken(Index host) const {
  return std::find(reserved_layer_booked_.begin(), reserved_layer_booked_.end(), host) !=
         reserved_layer_booked_.end();
}

void Overlay::add(const Booking& b) {
  const JobView& job = farm_.jobs[b.job];
  const HostView& host = farm_.hosts[b.host];
  Index s = farm_.subscription(job.show, host.alloc);
  if (s != kNone) sub_[s] += b.cores;
  job_cores_[b.job] += b.cores;
  job_gpus_[b.job] += b.gpus;
  for (Index g = job.group; g != kNone; g = farm_.groups[g].parent) group_[g] += b.cores;
  for (Index l : farm_.layers[b.layer].limits) limit_[l] += 1;
  layer_taken_[b.layer] += 1;
  host_cores_[b.host] += b.cores;
  host_mem_[b.host] += b.memory;
  host_gpus_[b.host] += b.gpus;
  host_gpu_mem_[b.host] += b.gpu_memory;
  host_slots_[b.host] += b.slots;
  for (const auto& r : farm_.reservations)
    if (r.host == b.host && r.layer == b.layer) reserved_layer_booked_.push_back(b.host);
}

PlanContext::PlanContext(const FarmView& farm)
    : gpu_demand(farm.allocs.size(), false), reservation_of_host(farm.hosts.size(), kNone) {
  for (const auto& layer : farm.layers) {
    if (layer.min_gpus <= 0 || layer.waitingCount() == 0 || layer.job == kNone) continue;
    const JobView& job = farm.jobs[layer.job];
    if (!job.active || job.paused) continue;
    for (size_t a = 0; a < farm.allocs.size(); ++a)
      if (farm.subscription(job.show, static_cast<Index>(a)) != kNone) gpu_demand[a] = true;
  }
  for (size_t i = 0; i < farm.reservations.size(); ++i) {
    Index h = farm.reservations[i].host;
    if (h >= 0 && h < static_cast<Index>(farm.hosts.size()))
      reservation_of_host[h] = static_cast<Index>(i);
  }
}

bool tagsMatch(const LayerView& layer, const HostView& host) {
  if (layer.tags.empty()) return true;
  for (const auto& t : layer.tags) {
    if (t == host.name) return true;
    if (std::find(host.tags.begin(), host.tags.end(), t) != host.tags.end()) return true;
  }
  return false;
}

CoreUnits usableIdleCores(const HostView& host, CoreUnits used_cores, const Config& config) {
  CoreUnits idle = host.cores - used_cores;
  // as OpenCue: a host may be loaded up to its cores plus 5%; load beyond what cuebot
  // booked (another process) takes cores away. The reported load cannot include frames
  // booked in this plan (used_cores beyond the view's own count), so they come off the
  // room that the load leaves; and it still includes frames that ended within the last
  // minute (the load average lags), which are not another process.
  const CoreUnits max_load = host.cores + host.cores / 100 * config.load_allowance_per_core;
  const CoreUnits planned = std::max<CoreUnits>(0, used_cores - host.used_cores);
  const CoreUnits load = std::max<CoreUnits>(0, host.load - host.recently_freed);
  if (load > 0) idle = std::min(idle, max_load - std::max(load, host.used_cores) - planned);
  return std::max<CoreUnits>(0, idle);
}

CoreUnits minCoresOn(const LayerView& layer, const HostView& host) {
  if (layer.min_cores > 0) return layer.min_cores;
  // 0: the whole host; -N: all the host's cores but N; never less than one core.
  return std::max<CoreUnits>(kCore, wholeCoresDown(host.cores) + layer.min_cores);
}

MemoryKb frameMemory(const LayerView& layer, size_t head) {
  MemoryKb m = layer.min_memory;
  if (head < layer.waiting.size()) m = std::max(m, layer.waiting[head].min_memory);
  return m;
}

EpochSec expectedSeconds(const LayerView& layer, const Config& config) {
  return layer.avg_frame_sec > 0 ? layer.avg_frame_sec : config.default_frame_sec;
}

std::optional<SkipReason> jobBlocked(const FarmView& farm, const Overlay& ov, Index l) {
  const LayerView& layer = farm.layers[l];
  const JobView& job = farm.jobs[layer.job];
  if (!job.active) return SkipReason::kJobFinished;
  if (job.paused) return SkipReason::kJobPaused;
  const ShowView& show = farm.shows[job.show];
  if (!show.active) return SkipReason::kShowInactive;
  if (!show.booking_enabled || !show.dispatch_enabled) return SkipReason::kShowBookingDisabled;
  if (ov.layerWaiting(l) == 0) return SkipReason::kDependWait;
  const CoreUnits need = layer.min_cores > 0 ? layer.min_cores : kCore;
  if (job.max_cores > 0 && ov.jobUsed(layer.job) + need > job.max_cores)
    return SkipReason::kJobAtMaxCores;
  if (layer.min_gpus > 0 && job.max_gpus > 0 &&
      ov.jobGpus(layer.job) + layer.min_gpus > job.max_gpus)
    return SkipReason::kJobAtMaxGpus;
  for (Index g = job.group; g != kNone; g = farm.groups[g].parent) {
    const GroupView& gv = farm.groups[g];
    if (gv.max_cores >= 0 && ov.groupUsed(g) + need > gv.max_cores)
      return SkipReason::kGroupAtMaxCores;
  }
  for (Index lim : layer.limits)
    if (ov.limitRunning(lim) >= farm.limits[lim].max_value) return SkipReason::kLimitReached;
  return std::nullopt;
}

std::optional<SkipReason> hostBlocked(const HostView& host) {
  if (!host.up) return SkipReason::kHostDown;
  if (host.nimby) return SkipReason::kHostNimby;
  if (host.locked) return SkipReason::kHostLocked;
  return std::nullopt;
}

std::optional<SkipReason> fitOnHost(const FarmView& farm, const Overlay& ov,
                                    const PlanContext& ctx, const Config& config, Index l,
                                    Index h, EpochSec now, Proposal& out) {
  const LayerView& layer = farm.layers[l];
  const JobView& job = farm.jobs[layer.job];
  const HostView& host = farm.hosts[h];

  // 1. static fit: tags, and the frame fits the empty host at all
  if (!tagsMatch(layer, host)) return SkipReason::kTagMismatch;
  const CoreUnits min_cores = minCoresOn(layer, host);
  const MemoryKb memory = frameMemory(layer, ov.layerHead(l));
  if (min_cores > host.cores || memory > host.memory || layer.min_gpus > host.gpus ||
      layer.min_gpu_memory > host.gpu_memory ||
      (host.slots > 0 && layer.slots_required > host.slots))
    return SkipReason::kHostTooSmall;

  // 1b. job and folder caps for frames sized by the host (min_cores <= 0): jobBlocked
  // could only check one core for them
  if (layer.min_cores <= 0) {
    if (job.max_cores > 0 && ov.jobUsed(layer.job) + min_cores > job.max_cores)
      return SkipReason::kJobAtMaxCores;
    for (Index g = job.group; g != kNone; g = farm.groups[g].parent) {
      const GroupView& gv = farm.groups[g];
      if (gv.max_cores >= 0 && ov.groupUsed(g) + min_cores > gv.max_cores)
        return SkipReason::kGroupAtMaxCores;
    }
  }

  // 2. the show's subscription to the host's allocation
  const Index s = farm.subscription(job.show, host.alloc);
  if (s == kNone) return SkipReason::kNoSubscription;
  const SubscriptionView& sub = farm.subs[s];
  const CoreUnits burst = std::max(sub.burst, sub.size);
  if (ov.subUsed(s) + min_cores > burst) return SkipReason::kShowAtBurst;

  // 3. what is idle on the host now
  const CoreUnits idle_cores = usableIdleCores(host, ov.hostUsedCores(h), config);
  const MemoryKb idle_memory = host.memory - ov.hostUsedMemory(h);
  const int32_t idle_gpus = host.gpus - ov.hostUsedGpus(h);
  const MemoryKb idle_gpu_memory = host.gpu_memory - ov.hostUsedGpuMemory(h);
  if (min_cores > idle_cores) return SkipReason::kNotEnoughCores;
  if (memory > idle_memory) return SkipReason::kNotEnoughMemory;
  if (layer.min_gpus > idle_gpus) return SkipReason::kNotEnoughGpus;
  if (layer.min_gpu_memory > idle_gpu_memory) return SkipReason::kNotEnoughGpuMemory;
  if (host.slots > 0 && layer.slots_required > 0 &&
      ov.hostUsedSlots(h) + layer.slots_required > host.slots)
    return SkipReason::kNoFreeSlot;

  // 4. cores for this frame: threadable layers may take more than their minimum
  CoreUnits cores = min_cores;
  if (layer.threadable && layer.min_cores > 0) {
    CoreUnits want = min_cores;
    const CoreUnits whole_idle = wholeCoresDown(idle_cores);
    if (host.thread_mode == core::ThreadMode::kAll ||
        idle_memory - memory <= config.stranded_memory) {
      want = whole_idle;  // ALL mode, or the memory left would strand the cores
    } else if (idle_memory > 0 && whole_idle >= kCore) {
      // memory-proportional (OpenCue's core span): a frame that needs a quarter of the
      // idle memory takes a quarter of the idle cores, so that neither is stranded
      const double per_core = static_cast<double>(idle_memory) / (whole_idle / kCore);
      want = std::max(want, static_cast<CoreUnits>(std::lround(memory / per_core)) * kCore);
      if (host.thread_mode == core::ThreadMode::kVariable) want = std::max(want, 2 * kCore);
    }
    if (layer.max_cores > 0) want = std::min(want, layer.max_cores);
    want = std::min(want, wholeCoresDown(idle_cores));
    const CoreUnits room = capRoom(farm, ov, job, layer.job);
    if (room >= 0) want = std::min(want, wholeCoresDown(room));
    want = std::min(want, burst - ov.subUsed(s));
    cores = std::max(min_cores, want);
  }

  // 5. a GPU host keeps room for waiting GPU work, but only while some waits
  if (layer.min_gpus == 0 && host.gpus > 0 && idle_gpus > 0 && ctx.gpu_demand[host.alloc]) {
    if (idle_cores - cores < config.gpu_keep_cores_per_gpu * idle_gpus ||
        idle_memory - memory < config.gpu_keep_memory_per_gpu * idle_gpus)
      return SkipReason::kKeptForGpuWork;
  }

  // 6. a host held for a wide frame: only that frame, or work that ends before it is due
  const Index r = ctx.reservation_of_host[h];
  if (r != kNone && !ov.reservationTaken(h)) {
    const Reservation& res = farm.reservations[r];
    if (res.layer != l && now + expectedSeconds(layer, config) > res.ready_at)
      return SkipReason::kReservedForWideFrame;
  }

  out.cores = cores;
  out.memory = memory;
  out.gpus = layer.min_gpus;
  out.gpu_memory = layer.min_gpu_memory;
  out.slots = host.slots > 0 ? layer.slots_required : 0;
  return std::nullopt;
}

}  // namespace cue::dispatch

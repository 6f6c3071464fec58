#include "dispatch/plan.h"

#include <algorithm>
#include <map>

namespace cue::dispatch {
namespace {

bool tagsMatch(const std::vector<std::string>& layer, const std::vector<std::string>& host) {
  if (layer.empty()) return true;
  for (const auto& t : layer)
    if (std::find(host.begin(), host.end(), t) != host.end()) return true;
  return false;
}

CoreUnits coresFor(const LayerView& l, const HostView& h) {
  if (l.min_cores <= 0) return std::max<CoreUnits>(h.cores + l.min_cores, 100);
  return l.min_cores;
}

}  // namespace

std::string_view toString(SkipReason r) {
  switch (r) {
    case SkipReason::kHostNotBookable: return "host is down or locked";
    case SkipReason::kTagMismatch: return "layer tags do not match the host's tags";
    case SkipReason::kJobAtMaxCores: return "job is at its max cores";
    case SkipReason::kShowAtBurst: return "show is at its subscription burst";
    case SkipReason::kNotEnoughCores: return "host has too few idle cores";
    case SkipReason::kNotEnoughMemory: return "host has too little idle memory";
    case SkipReason::kNotEnoughGpus: return "host has too few idle GPUs";
  }
  return "unknown";
}

Plan plan(const Snapshot& snap, const Config& config) {
  Plan out;
  std::vector<const LayerView*> order;
  for (const auto& l : snap.layers) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [&](const LayerView* a, const LayerView* b) {
    bool pa = a->job_id == snap.prefer_job_id, pb = b->job_id == snap.prefer_job_id;
    if (pa != pb) return pa;
    if (a->job_priority != b->job_priority) return a->job_priority > b->job_priority;
    if (a->job_start_time != b->job_start_time) return a->job_start_time < b->job_start_time;
    if (a->job_id != b->job_id) return a->job_id < b->job_id;
    return a->layer_order < b->layer_order;
  });

  const HostView& host = snap.host;
  if (!host.bookable) {
    for (const auto* l : order) out.skipped.push_back({l->job_id, l->layer_id, SkipReason::kHostNotBookable});
    return out;
  }
  CoreUnits idle_cores = host.idle_cores;
  MemoryKb idle_memory = host.idle_memory;
  int32_t idle_gpus = host.idle_gpus;
  MemoryKb idle_gpu_memory = host.idle_gpu_memory;
  std::map<std::string, CoreUnits> job_added, show_added;

  for (const auto* l : order) {
    if (static_cast<int32_t>(out.bookings.size()) >= config.max_bookings) break;
    if (!tagsMatch(l->tags, host.tags)) {
      out.skipped.push_back({l->job_id, l->layer_id, SkipReason::kTagMismatch});
      continue;
    }
    const CoreUnits cores = coresFor(*l, host);
    std::optional<SkipReason> stop;
    for (const auto& frame_id : l->waiting_frames) {
      if (static_cast<int32_t>(out.bookings.size()) >= config.max_bookings) break;
      if (l->job_max_cores > 0 &&
          l->job_running_cores + job_added[l->job_id] + cores > l->job_max_cores) {
        stop = SkipReason::kJobAtMaxCores;
      } else if (l->show_burst > 0 &&
                 l->show_running_cores + show_added[l->show_id] + cores > l->show_burst) {
        stop = SkipReason::kShowAtBurst;
      } else if (cores > idle_cores) {
        stop = SkipReason::kNotEnoughCores;
      } else if (l->min_memory > idle_memory) {
        stop = SkipReason::kNotEnoughMemory;
      } else if (l->min_gpus > idle_gpus || l->min_gpu_memory > idle_gpu_memory) {
        stop = SkipReason::kNotEnoughGpus;
      }
      if (stop) break;
      out.bookings.push_back(
          {frame_id, l->job_id, l->layer_id, cores, l->min_memory, l->min_gpus, l->min_gpu_memory});
      idle_cores -= cores;
      idle_memory -= l->min_memory;
      idle_gpus -= l->min_gpus;
      idle_gpu_memory -= l->min_gpu_memory;
      job_added[l->job_id] += cores;
      show_added[l->show_id] += cores;
    }
    if (stop) out.skipped.push_back({l->job_id, l->layer_id, *stop});
  }
  return out;
}

}  // namespace cue::dispatch

#include "dispatch/farm_view.h"

#include <algorithm>
#include <cassert>

namespace cue::dispatch {

void FarmView::indexSubscriptions() {
  sub_of.assign(shows.size(), std::vector<Index>(allocs.size(), kNone));
  for (size_t i = 0; i < subs.size(); ++i) {
    const auto& s = subs[i];
    if (s.show >= 0 && s.show < static_cast<Index>(shows.size()) && s.alloc >= 0 &&
        s.alloc < static_cast<Index>(allocs.size()))
      sub_of[s.show][s.alloc] = static_cast<Index>(i);
  }
}

Index applyBooking(FarmView& farm, const Booking& b, const std::string& proc_id, EpochSec now) {
  JobView& job = farm.jobs[b.job];
  LayerView& layer = farm.layers[b.layer];
  HostView& host = farm.hosts[b.host];
  Index s = farm.subscription(job.show, host.alloc);
  if (s != kNone) farm.subs[s].used += b.cores;
  job.used_cores += b.cores;
  job.used_gpus += b.gpus;
  for (Index g = job.group; g != kNone; g = farm.groups[g].parent) farm.groups[g].used += b.cores;
  for (Index l : layer.limits) farm.limits[l].running += 1;
  host.used_cores += b.cores;
  host.used_memory += b.memory;
  host.used_gpus += b.gpus;
  host.used_gpu_memory += b.gpu_memory;
  host.used_slots += b.slots;
  layer.running_frames += 1;

  // take the frame off the waiting list (normally it is the head)
  auto it = std::find_if(layer.waiting.begin() + static_cast<std::ptrdiff_t>(layer.waiting_head),
                         layer.waiting.end(),
                         [&](const FrameRef& f) { return f.id == b.frame_id; });
  if (it != layer.waiting.end()) {
    auto head = layer.waiting.begin() + static_cast<std::ptrdiff_t>(layer.waiting_head);
    std::rotate(head, it, it + 1);  // keeps the others in order
    ++layer.waiting_head;
    // compact now and then so that a long-lived layer does not grow without bound
    if (layer.waiting_head > 1024 && layer.waiting_head * 2 > layer.waiting.size()) {
      layer.waiting.erase(layer.waiting.begin(),
                          layer.waiting.begin() + static_cast<std::ptrdiff_t>(layer.waiting_head));
      layer.waiting_head = 0;
    }
  }

  // a reservation for this layer on this host is used up
  farm.reservations.erase(std::remove_if(farm.reservations.begin(), farm.reservations.end(),
                                         [&](const Reservation& r) {
                                           return r.host == b.host && r.layer == b.layer;
                                         }),
                          farm.reservations.end());

  ProcView p;
  p.id = proc_id;
  p.host = b.host;
  p.job = b.job;
  p.layer = b.layer;
  p.frame_id = b.frame_id;
  p.cores = b.cores;
  p.memory = b.memory;
  p.gpus = b.gpus;
  p.gpu_memory = b.gpu_memory;
  p.slots = b.slots;
  p.start_time = now;
  Index idx;
  if (!farm.free_procs.empty()) {
    idx = farm.free_procs.back();
    farm.free_procs.pop_back();
    farm.procs[idx] = std::move(p);
  } else {
    idx = static_cast<Index>(farm.procs.size());
    farm.procs.push_back(std::move(p));
  }
  host.procs.push_back(idx);
  return idx;
}

void releaseProc(FarmView& farm, Index idx) {
  ProcView& p = farm.procs[idx];
  assert(p.active);
  if (!p.active) return;
  JobView& job = farm.jobs[p.job];
  LayerView& layer = farm.layers[p.layer];
  HostView& host = farm.hosts[p.host];
  Index s = farm.subscription(job.show, host.alloc);
  if (s != kNone) farm.subs[s].used -= p.cores;
  job.used_cores -= p.cores;
  job.used_gpus -= p.gpus;
  for (Index g = job.group; g != kNone; g = farm.groups[g].parent) farm.groups[g].used -= p.cores;
  for (Index l : layer.limits) farm.limits[l].running -= 1;
  host.used_cores -= p.cores;
  host.used_memory -= p.memory;
  host.used_gpus -= p.gpus;
  host.used_gpu_memory -= p.gpu_memory;
  host.used_slots -= p.slots;
  layer.running_frames -= 1;
  host.procs.erase(std::remove(host.procs.begin(), host.procs.end(), idx), host.procs.end());
  p.active = false;
  p.frame_id.clear();
  farm.free_procs.push_back(idx);
}

}  // namespace cue::dispatch

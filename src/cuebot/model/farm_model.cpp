#include "cuebot/model/farm_model.h"

#include <algorithm>
#include <memory>
#include <set>
#include <type_traits>
#include <unordered_map>

#include "common/logging.h"
#include "common/status.h"
#include "core/frame_set.h"

namespace cue::cuebot {

using dispatch::Index;
using dispatch::kNone;

FarmModel::FarmModel(store::Store& store, dispatch::MemoryPolicyConfig memory)
    : store_(store), memory_config_(memory) {}

namespace {

template <typename T>
Index slot(std::map<std::string, Index>& idx, std::vector<T>& v, const std::string& id) {
  auto it = idx.find(id);
  if (it != idx.end()) return it->second;
  v.emplace_back();
  Index i = static_cast<Index>(v.size() - 1);
  idx[id] = i;
  return i;
}

Index find(const std::map<std::string, Index>& idx, const std::string& id) {
  auto it = idx.find(id);
  return it == idx.end() ? kNone : it->second;
}

// Recomputes every counter of the view from its active procs.
void recount(dispatch::FarmView& v) {
  for (auto& s : v.subs) s.used = 0;
  for (auto& g : v.groups) g.used = 0;
  for (auto& l : v.limits) l.running = 0;
  for (auto& j : v.jobs) j.used_cores = j.used_gpus = 0;
  for (auto& l : v.layers) l.running_frames = 0;
  for (auto& h : v.hosts) {
    h.used_cores = h.used_gpus = h.used_slots = 0;
    h.used_memory = h.used_gpu_memory = 0;
    h.procs.clear();
  }
  for (size_t i = 0; i < v.procs.size(); ++i) {
    const auto& p = v.procs[i];
    if (!p.active) continue;
    auto& job = v.jobs[p.job];
    auto& host = v.hosts[p.host];
    Index s = v.subscription(job.show, host.alloc);
    if (s != kNone) v.subs[s].used += p.cores;
    job.used_cores += p.cores;
    job.used_gpus += p.gpus;
    for (Index g = job.group; g != kNone; g = v.groups[g].parent) v.groups[g].used += p.cores;
    for (Index l : v.layers[p.layer].limits) v.limits[l].running += 1;
    v.layers[p.layer].running_frames += 1;
    host.used_cores += p.cores;
    host.used_memory += p.memory;
    host.used_gpus += p.gpus;
    host.used_gpu_memory += p.gpu_memory;
    host.used_slots += p.slots;
    host.procs.push_back(static_cast<Index>(i));
  }
}

}  // namespace

absl::Status FarmModel::load() {
  auto lock = lockModel();
  view_ = {};
  jobs_.clear();
  layers_.clear();
  hosts_.clear();
  memory_.clear();
  show_idx_.clear();
  alloc_idx_.clear();
  group_idx_.clear();
  limit_idx_.clear();
  job_idx_.clear();
  layer_idx_.clear();
  free_jobs_.clear();
  free_layers_.clear();
  host_idx_.clear();
  host_by_name_.clear();
  freed_.clear();
  proc_idx_.clear();
  RETURN_IF_ERROR(loadReferenceLocked());
  ASSIGN_OR_RETURN(auto jobs, store_.getJobs({}));
  for (const auto& j : jobs) RETURN_IF_ERROR(refreshJobLocked(j.id));
  ASSIGN_OR_RETURN(auto hosts, store_.getHosts({}));
  ASSIGN_OR_RETURN(auto procs, store_.getProcs({}));
  std::map<std::string, std::vector<core::Proc>> by_host;
  for (auto& p : procs) by_host[p.host_id].push_back(std::move(p));
  for (const auto& h : hosts) RETURN_IF_ERROR(refreshHostLocked(h, by_host[h.id]));
  return absl::OkStatus();
}

absl::Status FarmModel::refreshReference() {
  auto lock = lockModel();
  return loadReferenceLocked();
}

absl::Status FarmModel::loadReferenceLocked() {
  ASSIGN_OR_RETURN(auto shows, store_.getShows());
  for (const auto& s : shows) {
    Index i = slot(show_idx_, view_.shows, s.id);
    auto& v = view_.shows[i];
    v.id = s.id;
    v.name = s.name;
    v.active = s.active;
    v.booking_enabled = s.booking_enabled;
    v.dispatch_enabled = s.dispatch_enabled;
    ASSIGN_OR_RETURN(auto groups, store_.getGroups(s.id));
    for (const auto& g : groups) slot(group_idx_, view_.groups, g.id);
    for (const auto& g : groups) {
      auto& gv = view_.groups[group_idx_[g.id]];
      gv.id = g.id;
      gv.name = g.name;
      gv.show = i;
      gv.parent = g.parent_id.empty() ? kNone : find(group_idx_, g.parent_id);
      gv.min_cores = g.min_cores;
      gv.max_cores = g.max_cores;
    }
  }
  ASSIGN_OR_RETURN(auto allocs, store_.getAllocations());
  for (const auto& a : allocs) {
    Index i = slot(alloc_idx_, view_.allocs, a.id);
    view_.allocs[i] = {a.id, a.name, a.tag};
  }
  ASSIGN_OR_RETURN(auto subs, store_.getSubscriptions(""));
  std::map<std::string, Index> sub_idx;
  for (size_t i = 0; i < view_.subs.size(); ++i) sub_idx[view_.subs[i].id] = static_cast<Index>(i);
  for (const auto& s : subs) {
    Index i = slot(sub_idx, view_.subs, s.id);
    auto& v = view_.subs[i];
    v.id = s.id;
    v.show = find(show_idx_, s.show_id);
    v.alloc = find(alloc_idx_, s.alloc_id);
    v.size = s.size;
    v.burst = s.burst;
  }
  ASSIGN_OR_RETURN(auto limits, store_.getLimits());
  for (const auto& l : limits) {
    Index i = slot(limit_idx_, view_.limits, l.id);
    view_.limits[i].id = l.id;
    view_.limits[i].name = l.name;
    view_.limits[i].max_value = l.max_value;
    limit_idx_[l.name] = i;  // layers name their limits
  }
  view_.indexSubscriptions();
  recount(view_);
  return absl::OkStatus();
}

Index FarmModel::layerSlot(const std::string& layer_id) {
  auto it = layer_idx_.find(layer_id);
  if (it != layer_idx_.end()) return it->second;
  if (!free_layers_.empty()) {  // reuse the slot of a finished job's layer
    Index l = free_layers_.back();
    free_layers_.pop_back();
    layer_idx_[layer_id] = l;
    return l;
  }
  Index l = slot(layer_idx_, view_.layers, layer_id);
  if (layers_.size() < view_.layers.size()) layers_.resize(view_.layers.size());
  if (memory_.size() < view_.layers.size()) memory_.resize(view_.layers.size());
  return l;
}

void FarmModel::setLayer(Index l, Index j, const core::Layer& layer,
                         std::vector<store::WaitingFrame>&& waiting, int32_t depend) {
  auto& v = view_.layers[l];
  v.id = layer.id;
  v.name = layer.name;
  v.job = j;
  v.min_cores = layer.min_cores;
  v.max_cores = layer.max_cores;
  v.threadable = layer.threadable;
  v.min_memory = memory_[l].estimate(layer.min_memory, memory_config_);
  v.min_gpus = layer.min_gpus;
  v.min_gpu_memory = layer.min_gpu_memory;
  v.tags = layer.tags;
  v.slots_required = layer.slots_required;
  v.limits.clear();
  for (const auto& name : layer.limits) {
    Index lim = find(limit_idx_, name);
    if (lim != kNone) v.limits.push_back(lim);
  }
  v.depend_frames = depend;
  v.waiting.clear();
  v.waiting_head = 0;
  v.waiting.reserve(waiting.size());
  for (auto& f : waiting) {
    // a frame reserved more than its layer asks (an out-of-memory retry) keeps it
    const core::MemoryKb own = f.reserved_memory > layer.min_memory ? f.reserved_memory : 0;
    v.waiting.push_back({std::move(f.id), f.number, own});
  }
  layers_[l] = layer;
}

absl::Status FarmModel::refreshJob(const std::string& job_id) {
  auto lock = lockModel();
  return refreshJobLocked(job_id);
}

void FarmModel::addNewJobs(std::vector<AddedJob>&& jobs) {
  if (jobs.empty()) return;
  {
    std::lock_guard<std::mutex> handed(handed_mu_);
    for (auto& j : jobs) handed_over_.push_back(std::move(j));
    any_handed_over_ = true;
  }
  // Added now when the model is free. Otherwise its holder may have let go between the
  // try and the hand-over, so the model's next taker adds them: the dispatcher is kicked
  // after a launch (Farm::launchSpec), and reports and completions come all the time.
  if (mu_.try_lock()) {
    std::lock_guard<std::mutex> lock(mu_, std::adopt_lock);
    addHandedOverLocked();
  }
}

std::unique_lock<std::mutex> FarmModel::lockModel() {
  std::unique_lock<std::mutex> lock(mu_);
  if (any_handed_over_) addHandedOverLocked();
  return lock;
}

void FarmModel::addHandedOverLocked() {
  std::vector<AddedJob> jobs;
  {
    std::lock_guard<std::mutex> handed(handed_mu_);
    jobs.swap(handed_over_);
    any_handed_over_ = false;
  }
  std::map<std::string, KnownJob> known = readJobsLocked(jobs);
  for (auto& j : jobs) {
    auto it = known.find(j.job_id);
    auto st = refreshJobLocked(j.job_id, /*evict=*/true, &j.waiting,
                               it == known.end() ? nullptr : &it->second);
    if (!st.ok())
      common::logger("cuebot")->error("model: cannot add job {}: {}", j.job_id, st.ToString());
  }
}

std::map<std::string, FarmModel::KnownJob> FarmModel::readJobsLocked(
    const std::vector<AddedJob>& jobs) {
  std::map<std::string, KnownJob> out;
  if (jobs.size() < 2) return out;
  core::JobSearch q;
  q.include_finished = true;
  for (const auto& j : jobs) q.ids.push_back(j.job_id);
  auto read = store_.getJobs(q);
  if (!read.ok()) return out;
  auto layers = store_.getLayersOfJobs(q.ids);
  if (!layers.ok()) return out;
  for (auto& job : *read) {
    const std::string id = job.id;
    out[id].job = std::move(job);
  }
  for (auto& layer : *layers) {
    auto it = out.find(layer.job_id);
    if (it != out.end()) it->second.layers.push_back(std::move(layer));
  }
  return out;
}

absl::Status FarmModel::refreshJobLocked(const std::string& job_id, bool evict,
                                         store::WaitingByLayer* known_waiting, KnownJob* known) {
  core::Job job;
  if (known != nullptr) {
    job = std::move(known->job);
  } else {
    ASSIGN_OR_RETURN(job, store_.getJob(job_id));
  }
  if (!show_idx_.contains(job.show_id) || !group_idx_.contains(job.group_id))
    RETURN_IF_ERROR(loadReferenceLocked());
  Index j = find(job_idx_, job.id);
  if (j == kNone && !free_jobs_.empty()) {  // reuse the slot of a finished job
    j = free_jobs_.back();
    free_jobs_.pop_back();
    job_idx_[job.id] = j;
  }
  if (j == kNone) j = slot(job_idx_, view_.jobs, job.id);
  if (jobs_.size() < view_.jobs.size()) jobs_.resize(view_.jobs.size());
  auto& v = view_.jobs[j];
  v.id = job.id;
  v.name = job.name;
  v.show = find(show_idx_, job.show_id);
  v.group = find(group_idx_, job.group_id);
  v.active = job.state == core::JobState::kPending;
  v.paused = job.paused;
  v.priority = job.priority;
  v.start_time = job.start_time;
  v.min_cores = job.min_cores;
  v.max_cores = job.max_cores;
  v.max_gpus = job.max_gpus;
  jobs_[j] = job;

  std::vector<core::Layer> layers;
  if (known != nullptr) {
    layers = std::move(known->layers);
  } else {
    ASSIGN_OR_RETURN(layers, store_.getLayers(job.id));
  }
  store::WaitingByLayer waiting;
  std::map<std::string, core::FrameCounts> counts;
  if (v.active && known_waiting != nullptr) {
    waiting = std::move(*known_waiting);  // none held by depends: no depend counts
  } else if (v.active) {
    ASSIGN_OR_RETURN(waiting, store_.waitingFrames(job.id));
    ASSIGN_OR_RETURN(counts, store_.layerFrameCounts(job.id));
  }
  std::vector<Index> order;
  for (const auto& layer : layers) {
    Index l = layerSlot(layer.id);
    setLayer(l, j, layer, std::move(waiting[layer.id]), counts[layer.id].depend);
    order.push_back(l);
  }
  view_.jobs[j].layers = std::move(order);
  if (evict) evictIfDoneLocked(j);
  return absl::OkStatus();
}

void FarmModel::evictIfDoneLocked(Index j) {
  dispatch::JobView& job = view_.jobs[j];
  if (job.active || job.id.empty()) return;
  for (Index l : job.layers)
    if (view_.layers[l].running_frames > 0) return;  // its procs' completions are still due
  for (Index l : job.layers) {
    layer_idx_.erase(view_.layers[l].id);
    view_.layers[l] = {};
    layers_[l] = {};
    memory_[l] = {};
    free_layers_.push_back(l);
  }
  job_idx_.erase(job.id);
  job = {};
  job.active = false;
  jobs_[j] = {};
  free_jobs_.push_back(j);
}

absl::Status FarmModel::refreshDependents() {
  auto lock = lockModel();
  std::vector<std::string> ids;
  for (const auto& j : view_.jobs) {
    if (!j.active) continue;
    for (Index l : j.layers)
      if (view_.layers[l].depend_frames > 0) {
        ids.push_back(j.id);
        break;
      }
  }
  for (const auto& id : ids) RETURN_IF_ERROR(refreshJobLocked(id));
  return absl::OkStatus();
}

absl::Status FarmModel::refreshHost(const std::string& host_id) {
  // read under the lock so that no booking slips between the read and the update
  auto lock = lockModel();
  return rereadHostLocked(host_id);
}

absl::Status FarmModel::rereadHostLocked(const std::string& host_id) {
  auto found = store_.getHost(host_id);
  if (absl::IsNotFound(found.status())) {
    // Deleted: nothing is booked there any more, and its reports go to the store (which
    // makes it anew when its rqd reports again).
    const Index h = find(host_idx_, host_id);
    if (h != kNone) {
      dropProcsOf(h);
      view_.hosts[h].up = false;
      hosts_[h].state = core::HardwareState::kDown;
      host_by_name_.erase(hosts_[h].name);
    }
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(core::Host host, std::move(found));
  store::ProcSearch q;
  q.host_ids = {host_id};
  ASSIGN_OR_RETURN(auto procs, store_.getProcs(q));
  return refreshHostLocked(host, procs);
}

void FarmModel::dropProcsOf(Index h) {
  auto procs = view_.hosts[h].procs;
  for (Index p : procs) {
    proc_idx_.erase(view_.procs[p].id);
    dispatch::releaseProc(view_, p);
  }
}

absl::StatusOr<std::vector<core::Proc>> FarmModel::hostReported(const core::Host& host) {
  // read under the lock so that no booking slips between the read and the update
  auto lock = lockModel();
  store::ProcSearch q;
  q.host_ids = {host.id};
  ASSIGN_OR_RETURN(auto procs, store_.getProcs(q));
  const Index h = find(host_idx_, host.id);
  bool same = h != kNone && hosts_[h].alloc_id == host.alloc_id &&
              view_.hosts[h].procs.size() == procs.size();
  for (size_t i = 0; same && i < procs.size(); ++i) {
    const Index p = find(proc_idx_, procs[i].id);
    same = p != kNone && view_.procs[p].active && view_.procs[p].host == h;
  }
  if (!same) {
    RETURN_IF_ERROR(refreshHostLocked(host, procs));
    return procs;
  }
  setHostLocked(h, host);  // the procs agree with the store: only the host's fields change
  return procs;
}

std::optional<FarmModel::HostProcs> FarmModel::reportedInMemory(const store::HostReportData& r) {
  auto lock = lockModel();
  auto it = host_by_name_.find(r.name);
  if (it == host_by_name_.end()) return std::nullopt;
  const Index h = it->second;
  core::Host& host = hosts_[h];
  // The lock state the store would derive from the report (Store::updateHostReport).
  core::LockState lock_state = host.lock_state;
  if (r.nimby_locked)
    lock_state = core::LockState::kNimbyLocked;
  else if (lock_state == core::LockState::kNimbyLocked)
    lock_state = core::LockState::kOpen;
  const bool moved = !r.rqd_address.empty() && r.rqd_address != host.rqd_address;
  if (host.state != core::HardwareState::kUp || !view_.hosts[h].up ||
      lock_state != host.lock_state || moved)
    return std::nullopt;
  host.free_memory = r.free_memory;
  host.free_swap = r.free_swap;
  host.free_mcp = r.free_mcp;
  host.load = r.load;
  host.ping_time = r.now;
  auto& v = view_.hosts[h];
  v.load = r.load;
  HostProcs out;
  out.host = host;
  out.host.idle_cores = v.cores - v.used_cores;
  out.host.idle_memory = v.memory - v.used_memory;
  out.host.idle_gpus = v.gpus - v.used_gpus;
  out.host.idle_gpu_memory = v.gpu_memory - v.used_gpu_memory;
  out.procs.reserve(v.procs.size());
  for (Index p : v.procs) {
    const auto& pv = view_.procs[p];
    core::Proc proc;
    proc.id = pv.id;
    proc.frame_id = pv.frame_id;
    proc.host_id = host.id;
    proc.job_id = jobs_[pv.job].id;
    proc.layer_id = layers_[pv.layer].id;
    proc.booked_time = pv.start_time;
    proc.reserved_cores = pv.cores;
    proc.reserved_memory = pv.memory;
    proc.reserved_gpus = pv.gpus;
    proc.reserved_gpu_memory = pv.gpu_memory;
    out.procs.push_back(std::move(proc));
  }
  return out;
}

void FarmModel::setHostLocked(Index h, const core::Host& host) {
  auto& v = view_.hosts[h];
  v.id = host.id;
  v.name = host.name;
  v.alloc = find(alloc_idx_, host.alloc_id);
  v.tags = host.tags;
  if (v.alloc != kNone) v.tags.push_back(view_.allocs[v.alloc].tag);
  v.up = host.state == core::HardwareState::kUp;
  v.locked = host.lock_state != core::LockState::kOpen;
  v.nimby = host.lock_state == core::LockState::kNimbyLocked;
  v.thread_mode = host.thread_mode;
  v.cores = host.cores;
  v.memory = host.memory;
  v.gpus = host.gpus;
  v.gpu_memory = host.gpu_memory;
  v.load = host.load;
  v.slots = host.slots;
  hosts_[h] = host;
  host_by_name_[host.name] = h;
}

absl::Status FarmModel::refreshHostLocked(const core::Host& host,
                                          const std::vector<core::Proc>& procs) {
  if (!alloc_idx_.contains(host.alloc_id)) RETURN_IF_ERROR(loadReferenceLocked());
  Index h = slot(host_idx_, view_.hosts, host.id);
  if (hosts_.size() < view_.hosts.size()) hosts_.resize(view_.hosts.size());
  setHostLocked(h, host);
  const auto& v = view_.hosts[h];
  // the store's procs are the truth: replace the model's
  dropProcsOf(h);
  for (const auto& p : procs) {
    Index j = find(job_idx_, p.job_id);
    if (j == kNone) {
      // a finished job whose frames still run here: kept until their completions come
      RETURN_IF_ERROR(refreshJobLocked(p.job_id, /*evict=*/false));
      j = find(job_idx_, p.job_id);
    }
    Index l = find(layer_idx_, p.layer_id);
    if (j == kNone || l == kNone) continue;
    dispatch::Booking b;
    b.host = h;
    b.job = j;
    b.layer = l;
    b.frame_id = p.frame_id;
    b.cores = p.reserved_cores;
    b.memory = p.reserved_memory;
    b.gpus = p.reserved_gpus;
    b.gpu_memory = p.reserved_gpu_memory;
    b.slots = v.slots > 0 ? view_.layers[l].slots_required : 0;
    proc_idx_[p.id] = dispatch::applyBooking(view_, b, p.id, p.booked_time);
  }
  return absl::OkStatus();
}

void FarmModel::releaseProc(const std::string& proc_id) {
  auto lock = lockModel();
  auto it = proc_idx_.find(proc_id);
  if (it == proc_idx_.end()) return;
  dispatch::releaseProc(view_, it->second);
  proc_idx_.erase(it);
}

void FarmModel::updateRecentlyFreedLocked(Index h, core::EpochSec now) {
  auto it = freed_.find(h);
  if (it == freed_.end()) return;
  auto& v = it->second;
  // the load average is over a minute: what ended longer ago than that is out of it
  v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& e) { return e.first < now - 60; }),
          v.end());
  core::CoreUnits sum = 0;
  for (const auto& e : v) sum += e.second;
  view_.hosts[h].recently_freed = sum;
  if (v.empty()) freed_.erase(it);
}

void FarmModel::frameEnded(const std::string& proc_id, core::MemoryKb max_rss, int32_t run_seconds,
                           bool succeeded, bool oom, core::EpochSec now) {
  auto lock = lockModel();
  auto released = releaseEndedLocked(proc_id, now);
  if (released) learnEndLocked(*released, max_rss, run_seconds, succeeded, oom);
}

std::optional<FarmModel::ReleasedProc> FarmModel::releaseEndedLocked(const std::string& proc_id,
                                                                     core::EpochSec now) {
  auto it = proc_idx_.find(proc_id);
  if (it == proc_idx_.end()) return std::nullopt;
  const dispatch::ProcView& p = view_.procs[it->second];
  ReleasedProc r{p.host, p.job, p.layer, p.memory};
  if (now > 0) {
    freed_[p.host].push_back({now, p.cores});
    updateRecentlyFreedLocked(p.host, now);
  }
  dispatch::releaseProc(view_, it->second);
  proc_idx_.erase(it);
  return r;
}

void FarmModel::learnEndLocked(const ReleasedProc& r, core::MemoryKb max_rss, int32_t run_seconds,
                               bool succeeded, bool oom) {
  if (!view_.jobs[r.job].active) {  // the last frames of a finished or killed job
    evictIfDoneLocked(r.job);
    return;
  }
  auto& v = view_.layers[r.layer];
  if (succeeded) {
    v.finished_frames += 1;
    v.avg_frame_sec += (run_seconds - v.avg_frame_sec) / v.finished_frames;
  }
  if (oom) memory_[r.layer].addKill(std::max(r.reserved, max_rss));
  if (succeeded) memory_[r.layer].addPeak(max_rss);
  if (oom || succeeded)
    v.min_memory = memory_[r.layer].estimate(layers_[r.layer].min_memory, memory_config_);
}

absl::StatusOr<FarmModel::EndedAndBooked> FarmModel::endAndBook(
    const std::vector<Ended>& ended, const dispatch::Config& config, core::EpochSec now,
    const CompleteAndBookFn& write, const std::function<std::string()>& new_proc_id) {
  auto lock = lockModel();
  // The procs released first, so that the plan sees the cores they free; put back (read
  // again from the store) when the write fails.
  std::vector<std::optional<ReleasedProc>> released(ended.size());
  std::vector<Index> hosts;
  std::set<Index> seen;
  for (size_t i = 0; i < ended.size(); ++i) {
    released[i] = releaseEndedLocked(ended[i].proc_id, now);
    if (released[i] && seen.insert(released[i]->host).second) hosts.push_back(released[i]->host);
  }
  PreparedPlan prepared = prepareLocked(
      hosts.empty() ? dispatch::Plan{} : dispatch::planHosts(view_, hosts, config, now), now,
      new_proc_id);
  auto written = write(prepared.bookings);
  if (!written.ok()) {
    std::set<std::string> host_ids, job_ids;
    for (const auto& r : released)
      if (r) {
        host_ids.insert(view_.hosts[r->host].id);
        job_ids.insert(view_.jobs[r->job].id);
      }
    for (const auto& id : host_ids) RETURN_IF_ERROR(rereadHostLocked(id));
    for (const auto& id : job_ids) RETURN_IF_ERROR(refreshJobLocked(id));
    return written.status();
  }
  EndedAndBooked out;
  for (Index h : hosts) out.planned.insert(view_.hosts[h].id);
  ASSIGN_OR_RETURN(out.launches, recordLocked(prepared, std::move(written->made), now));
  for (size_t i = 0; i < ended.size(); ++i) {
    if (!released[i]) continue;
    const auto& result = written->completions[i];
    if (!result.ok()) {
      // The store did not hold the proc the model did: its host as the store has it.
      RETURN_IF_ERROR(rereadHostLocked(view_.hosts[released[i]->host].id));
      continue;
    }
    learnEndLocked(*released[i], ended[i].max_rss, ended[i].run_seconds,
                   result->new_state == core::FrameState::kSucceeded, ended[i].oom);
  }
  out.completions = std::move(written->completions);
  return out;
}

std::optional<core::MemoryKb> FarmModel::procMemory(const std::string& proc_id) {
  auto lock = lockModel();
  auto it = proc_idx_.find(proc_id);
  if (it == proc_idx_.end()) return std::nullopt;
  return view_.procs[it->second].memory;
}

std::vector<std::string> FarmModel::procIds() {
  auto lock = lockModel();
  std::vector<std::string> ids;
  ids.reserve(proc_idx_.size());
  for (const auto& [id, index] : proc_idx_) ids.push_back(id);
  return ids;
}

void FarmModel::withView(const std::function<void(dispatch::FarmView&)>& fn) {
  auto lock = lockModel();
  fn(view_);
}

absl::StatusOr<std::vector<FarmModel::Launch>> FarmModel::planAndBook(
    const std::vector<std::string>& host_ids, const dispatch::Config& config, core::EpochSec now,
    const BookFn& book, const std::function<std::string()>& new_proc_id) {
  auto lock = lockModel();
  std::vector<Index> hosts;
  for (const auto& id : host_ids) {
    const Index h = find(host_idx_, id);
    if (h == kNone) continue;
    updateRecentlyFreedLocked(h, now);
    hosts.push_back(h);
  }
  if (hosts.empty()) return std::vector<Launch>{};
  return bookPlanLocked(dispatch::planHosts(view_, hosts, config, now), now, book, new_proc_id);
}

absl::StatusOr<std::vector<FarmModel::Launch>> FarmModel::planFarmAndBook(
    const dispatch::Config& config, core::EpochSec now, const BookFn& book,
    const std::function<std::string()>& new_proc_id, size_t max_bookings, bool* more) {
  auto lock = lockModel();
  for (Index h = 0; h < static_cast<Index>(view_.hosts.size()); ++h)
    updateRecentlyFreedLocked(h, now);
  // A plan of the first hosts is planned no further than max_bookings: sweeps of a few
  // thousand frames let the first launches go out while the next sweep books.
  dispatch::Plan plan = dispatch::planFarm(view_, config, now, max_bookings);
  view_.reservations = plan.reservations;
  // A prefix of a plan is a valid plan: each booking is checked again by the store.
  if (more) *more = !plan.complete || plan.bookings.size() > max_bookings;
  if (plan.bookings.size() > max_bookings) plan.bookings.resize(max_bookings);
  return bookPlanLocked(std::move(plan), now, book, new_proc_id);
}

FarmModel::PreparedPlan FarmModel::prepareLocked(dispatch::Plan&& plan, core::EpochSec now,
                                                 const std::function<std::string()>& new_proc_id) {
  PreparedPlan out;
  out.plan = std::move(plan);
  if (out.plan.bookings.empty()) return out;
  out.bookings.reserve(out.plan.bookings.size());
  out.by_frame.reserve(out.plan.bookings.size());
  // Frame numbers: one walk of each layer's waiting list from its head, until every
  // frame the plan took from it is found (the planner takes them from the head).
  std::unordered_map<Index, size_t> wanted;
  for (const auto& b : out.plan.bookings) {
    out.numbers[b.frame_id] = -1;
    ++wanted[b.layer];
  }
  for (auto& [l, n] : wanted) {
    const dispatch::LayerView& layer = view_.layers[l];
    for (size_t i = layer.waiting_head; i < layer.waiting.size() && n > 0; ++i) {
      auto it = out.numbers.find(layer.waiting[i].id);
      if (it != out.numbers.end() && it->second < 0) {
        it->second = layer.waiting[i].number;
        --n;
      }
    }
  }
  for (const auto& b : out.plan.bookings) {
    const core::Job& job = jobs_[b.job];
    const dispatch::LayerView& layer = view_.layers[b.layer];
    store::Booking bk;
    bk.proc_id = new_proc_id();
    bk.host_id = view_.hosts[b.host].id;
    bk.frame_id = b.frame_id;
    bk.job_id = job.id;
    bk.layer_id = layer.id;
    bk.cores = b.cores;
    bk.memory = b.memory;
    bk.gpus = b.gpus;
    bk.gpu_memory = b.gpu_memory;
    bk.now = now;
    bk.log_path = job.log_dir + "/" + job.name + "." +
                  core::frameName(out.numbers[b.frame_id], layer.name) + ".rqlog";
    out.by_frame[b.frame_id] = &b;
    out.bookings.push_back(std::move(bk));
  }
  return out;
}

absl::StatusOr<std::vector<FarmModel::Launch>> FarmModel::recordLocked(
    PreparedPlan& prepared, std::vector<store::Booking>&& made, core::EpochSec now) {
  std::vector<Launch> out;
  out.reserve(made.size());
  std::unordered_map<Index, std::shared_ptr<const core::Job>> job_copies;
  std::unordered_map<Index, std::shared_ptr<const core::Layer>> layer_copies;
  std::unordered_map<Index, std::shared_ptr<const core::Host>> host_copies;
  auto copyOf = [](auto& copies, Index i, const auto& value) {
    auto& copy = copies[i];
    if (!copy) copy = std::make_shared<const std::decay_t<decltype(value)>>(value);
    return copy;
  };
  for (auto& bk : made) {
    const dispatch::Booking& b = *prepared.by_frame[bk.frame_id];
    proc_idx_[bk.proc_id] = dispatch::applyBooking(view_, b, bk.proc_id, now);
    Launch& launch = out.emplace_back();
    launch.frame_number = prepared.numbers[bk.frame_id];
    launch.booking = std::move(bk);
    launch.job = copyOf(job_copies, b.job, jobs_[b.job]);
    launch.layer = copyOf(layer_copies, b.layer, layers_[b.layer]);
    launch.host = copyOf(host_copies, b.host, hosts_[b.host]);
    launch.frame_name = core::frameName(launch.frame_number, launch.layer->name);
  }
  // bookings the store refused mean memory and store disagree (a frame changed state,
  // or a host's resources): re-read those jobs and hosts (rare)
  if (out.size() < prepared.bookings.size()) {
    std::set<std::string> booked, jobs, hosts;
    for (const auto& l : out) booked.insert(l.booking.frame_id);
    for (const auto& bk : prepared.bookings)
      if (!booked.contains(bk.frame_id)) {
        jobs.insert(bk.job_id);
        hosts.insert(bk.host_id);
      }
    for (const auto& id : jobs) RETURN_IF_ERROR(refreshJobLocked(id));
    for (const auto& id : hosts) RETURN_IF_ERROR(rereadHostLocked(id));
  }
  return out;
}

absl::StatusOr<std::vector<FarmModel::Launch>> FarmModel::bookPlanLocked(
    dispatch::Plan&& plan, core::EpochSec now, const BookFn& book,
    const std::function<std::string()>& new_proc_id) {
  PreparedPlan prepared = prepareLocked(std::move(plan), now, new_proc_id);
  if (prepared.bookings.empty()) return std::vector<Launch>{};
  ASSIGN_OR_RETURN(auto made, book(prepared.bookings));
  return recordLocked(prepared, std::move(made), now);
}

absl::StatusOr<dispatch::JobExplanation> FarmModel::explain(const std::string& job_id,
                                                            const dispatch::Config& config,
                                                            core::EpochSec now) {
  auto lock = lockModel();
  Index j = find(job_idx_, job_id);
  if (j == kNone) {  // finished jobs leave the model
    dispatch::JobExplanation done;
    done.summary = "job is finished";
    return done;
  }
  return dispatch::explainJob(view_, j, config, now);
}

std::map<std::string, core::MemoryKb> FarmModel::layerMemory(const std::string& job_id) {
  auto lock = lockModel();
  std::map<std::string, core::MemoryKb> out;
  Index j = find(job_idx_, job_id);
  if (j == kNone) return out;
  for (Index l : view_.jobs[j].layers) out[view_.layers[l].name] = view_.layers[l].min_memory;
  return out;
}

}  // namespace cue::cuebot

#include "cuebot/service/stats.h"

#include "common/status.h"

namespace cue::cuebot {

absl::StatusOr<FarmUsage> readUsage(store::Store& store) {
  FarmUsage u;
  ASSIGN_OR_RETURN(auto hosts, store.getHosts({}));
  std::map<std::string, std::string> alloc_of;
  for (const auto& h : hosts) {
    alloc_of[h.id] = h.alloc_id;
    auto& s = u.by_alloc[h.alloc_id];
    const float cores = h.cores / 100.0f, idle = h.idle_cores / 100.0f;
    const bool locked = h.lock_state != core::LockState::kOpen;
    const bool up = h.state == core::HardwareState::kUp;
    s.set_cores(s.cores() + cores);
    s.set_idle_cores(s.idle_cores() + idle);
    s.set_running_cores(s.running_cores() + cores - idle);
    if (locked) s.set_locked_cores(s.locked_cores() + cores);
    if (up && !locked) s.set_available_cores(s.available_cores() + idle);
    s.set_hosts(s.hosts() + 1);
    if (locked) s.set_locked_hosts(s.locked_hosts() + 1);
    if (h.state == core::HardwareState::kDown) s.set_down_hosts(s.down_hosts() + 1);
    s.set_gpus(s.gpus() + h.gpus);
    s.set_idle_gpus(s.idle_gpus() + h.idle_gpus);
    s.set_running_gpus(s.running_gpus() + h.gpus - h.idle_gpus);
    if (up && !locked) s.set_available_gpus(s.available_gpus() + h.idle_gpus);
  }
  ASSIGN_OR_RETURN(auto procs, store.getProcs({}));
  for (const auto& p : procs) {
    for (auto* b : {&u.by_show[p.show_id], &u.by_show_alloc[{p.show_id, alloc_of[p.host_id]}]}) {
      b->cores += p.reserved_cores;
      b->gpus += p.reserved_gpus;
    }
  }
  return u;
}

void addStats(const FarmUsage& usage, const std::string& alloc_id, facility::Allocation* out) {
  auto it = usage.by_alloc.find(alloc_id);
  if (it != usage.by_alloc.end()) *out->mutable_stats() = it->second;
}

void addStats(const FarmUsage& usage, const std::string& show_id, const std::string& alloc_id,
              subscription::Subscription* out) {
  auto it = usage.by_show_alloc.find({show_id, alloc_id});
  if (it == usage.by_show_alloc.end()) return;
  out->set_reserved_cores(it->second.cores);
  out->set_reserved_gpus(it->second.gpus);
}

absl::Status addStats(store::Store& store, const FarmUsage& usage, const std::string& show_id,
                      show::Show* out) {
  auto* st = out->mutable_show_stats();
  if (auto it = usage.by_show.find(show_id); it != usage.by_show.end()) {
    st->set_reserved_cores(it->second.cores / 100.0f);
    st->set_reserved_gpus(static_cast<float>(it->second.gpus));
  }
  core::JobSearch q;
  q.shows = {out->name()};
  q.include_finished = true;
  ASSIGN_OR_RETURN(auto jobs, store.getJobs(q));
  std::vector<std::string> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  ASSIGN_OR_RETURN(auto counts, store.jobFrameCounts(ids));
  st->set_created_job_count(static_cast<int64_t>(jobs.size()));
  for (const auto& j : jobs) {
    const auto& c = counts[j.id];
    st->set_created_frame_count(st->created_frame_count() + c.total);
    st->set_rendered_frame_count(st->rendered_frame_count() + c.succeeded);
    st->set_failed_frame_count(st->failed_frame_count() + c.dead);
    if (j.state != core::JobState::kPending) continue;
    st->set_pending_jobs(st->pending_jobs() + 1);
    st->set_running_frames(st->running_frames() + c.running);
    st->set_dead_frames(st->dead_frames() + c.dead);
    st->set_pending_frames(st->pending_frames() + c.pending());
  }
  return absl::OkStatus();
}

}  // namespace cue::cuebot

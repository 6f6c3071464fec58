#include "dispatch/plan.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "dispatch/fit.h"

namespace cue::dispatch {

std::string_view toString(SkipReason r) {
  switch (r) {
    case SkipReason::kJobPaused: return "job is paused";
    case SkipReason::kJobFinished: return "job is finished";
    case SkipReason::kDependWait: return "frames wait on depends";
    case SkipReason::kShowInactive: return "show is inactive";
    case SkipReason::kShowBookingDisabled: return "show booking is disabled";
    case SkipReason::kNoSubscription: return "show has no subscription to the host's allocation";
    case SkipReason::kShowAtBurst: return "show is at its subscription burst";
    case SkipReason::kJobAtMaxCores: return "job is at its max cores";
    case SkipReason::kJobAtMaxGpus: return "job is at its max GPUs";
    case SkipReason::kGroupAtMaxCores: return "group is at its max cores";
    case SkipReason::kLimitReached: return "limit reached";
    case SkipReason::kHostDown: return "host is down";
    case SkipReason::kHostLocked: return "host is locked";
    case SkipReason::kHostNimby: return "host is NIMBY-locked";
    case SkipReason::kTagMismatch: return "host lacks the layer's tags";
    case SkipReason::kHostTooSmall: return "host is too small for the frame";
    case SkipReason::kNotEnoughCores: return "host has too few idle cores";
    case SkipReason::kNotEnoughMemory: return "host has too little idle memory";
    case SkipReason::kNotEnoughGpus: return "host has too few idle GPUs";
    case SkipReason::kNotEnoughGpuMemory: return "host has too little idle GPU memory";
    case SkipReason::kNoFreeSlot: return "host has no free slot";
    case SkipReason::kKeptForGpuWork: return "host keeps room for waiting GPU work";
    case SkipReason::kReservedForWideFrame: return "host is reserved for a wide frame";
    case SkipReason::kHostBookingCap: return "host took its most frames for one plan";
  }
  return "unknown";
}

std::string_view shortName(SkipReason r) {
  switch (r) {
    case SkipReason::kJobPaused: return "paused";
    case SkipReason::kJobFinished: return "finished";
    case SkipReason::kDependWait: return "depend";
    case SkipReason::kShowInactive: return "show inactive";
    case SkipReason::kShowBookingDisabled: return "booking disabled";
    case SkipReason::kNoSubscription: return "no subscription";
    case SkipReason::kShowAtBurst: return "show at burst";
    case SkipReason::kJobAtMaxCores: return "job at max cores";
    case SkipReason::kJobAtMaxGpus: return "job at max gpus";
    case SkipReason::kGroupAtMaxCores: return "group at max cores";
    case SkipReason::kLimitReached: return "limit reached";
    case SkipReason::kHostDown: return "down";
    case SkipReason::kHostLocked: return "locked";
    case SkipReason::kHostNimby: return "nimby";
    case SkipReason::kTagMismatch: return "lack tag";
    case SkipReason::kHostTooSmall: return "too small";
    case SkipReason::kNotEnoughCores: return "lack cores";
    case SkipReason::kNotEnoughMemory: return "lack memory";
    case SkipReason::kNotEnoughGpus: return "lack gpus";
    case SkipReason::kNotEnoughGpuMemory: return "lack gpu memory";
    case SkipReason::kNoFreeSlot: return "no slot";
    case SkipReason::kKeptForGpuWork: return "kept for gpu work";
    case SkipReason::kReservedForWideFrame: return "reserved";
    case SkipReason::kHostBookingCap: return "booking cap";
  }
  return "unknown";
}

std::string code(SkipReason r) {
  std::string out;
  for (char c : shortName(r)) out += c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Per-plan working state: the overlay, the context, each show's jobs in priority order,
// and per-host "already failed" stamps.
struct Planner {
  const FarmView& farm;
  const Config& config;
  EpochSec now;
  Overlay ov;
  PlanContext ctx;
  std::vector<std::vector<Index>> show_jobs;  // active, unpaused jobs with layers, in order
  std::vector<uint32_t> job_failed, layer_failed;  // == stamp: failed on this host
  uint32_t stamp = 0;
  std::vector<std::vector<const Booking*>> booked_on_host;  // placeReservations' index

  Planner(const FarmView& f, const Config& c, EpochSec n)
      : farm(f), config(c), now(n), ov(f), ctx(f), show_jobs(f.shows.size()),
        job_failed(f.jobs.size(), 0), layer_failed(f.layers.size(), 0) {
    for (size_t j = 0; j < farm.jobs.size(); ++j) {
      const JobView& job = farm.jobs[j];
      if (!job.active || job.show < 0) continue;
      show_jobs[job.show].push_back(static_cast<Index>(j));
    }
    for (auto& jobs : show_jobs)
      std::sort(jobs.begin(), jobs.end(), [&](Index a, Index b) {
        const JobView& ja = farm.jobs[a];
        const JobView& jb = farm.jobs[b];
        if (ja.priority != jb.priority) return ja.priority > jb.priority;
        if (ja.start_time != jb.start_time) return ja.start_time < jb.start_time;
        return a < b;
      });
  }

  // 0: job below its min cores; 1: a folder of the job below its min; 2: the rest.
  int tier(Index j) const {
    const JobView& job = farm.jobs[j];
    if (job.min_cores > 0 && ov.jobUsed(j) < job.min_cores) return 0;
    for (Index g = job.group; g != kNone; g = farm.groups[g].parent)
      if (farm.groups[g].min_cores > 0 && ov.groupUsed(g) < farm.groups[g].min_cores) return 1;
    return 2;
  }

  // Books one frame of the layer if it may run on the host; records the reason if not.
  bool tryLayer(Index l, Index h, Plan& plan, bool record) {
    const LayerView& layer = farm.layers[l];
    std::optional<SkipReason> why = jobBlocked(farm, ov, l);
    Proposal p;
    if (!why) why = fitOnHost(farm, ov, ctx, config, l, h, now, p);
    if (why) {
      if (record) plan.skipped.push_back({l, h, *why});
      layer_failed[l] = stamp;
      return false;
    }
    Booking b;
    b.host = h;
    b.job = layer.job;
    b.layer = l;
    b.frame_id = layer.waiting[ov.layerHead(l)].id;
    b.cores = p.cores;
    b.memory = p.memory;
    b.gpus = p.gpus;
    b.gpu_memory = p.gpu_memory;
    b.slots = p.slots;
    ov.add(b);
    plan.bookings.push_back(std::move(b));
    return true;
  }

  // One frame for the show on the host, from its best job; false when none fits.
  bool serveShow(Index show, Index h, Plan& plan, bool record) {
    const auto& jobs = show_jobs[show];
    for (int t = 0; t <= 2; ++t) {
      for (Index j : jobs) {
        if (job_failed[j] == stamp || tier(j) != t) continue;
        bool any_left = false;
        for (Index l : farm.jobs[j].layers) {
          if (layer_failed[l] == stamp) continue;
          if (tryLayer(l, h, plan, record)) return true;
          any_left = any_left || layer_failed[l] != stamp;
        }
        if (!any_left) job_failed[j] = stamp;
      }
    }
    return false;
  }

  void fillHost(Index h, Plan& plan, bool record) {
    const HostView& host = farm.hosts[h];
    if (hostBlocked(host)) return;
    ++stamp;
    size_t booked = 0;
    // a reserved wide frame goes first
    const Index r = ctx.reservation_of_host[h];
    if (r != kNone && !ov.reservationTaken(h)) {
      const Index l = farm.reservations[r].layer;
      if (l >= 0 && l < static_cast<Index>(farm.layers.size()) && tryLayer(l, h, plan, record))
        ++booked;
      layer_failed[l] = 0;  // it may be tried again below
    }
    // shows subscribed to the host's allocation
    std::vector<Index> shows;
    for (size_t s = 0; s < farm.shows.size(); ++s)
      if (farm.subscription(static_cast<Index>(s), host.alloc) != kNone && !show_jobs[s].empty())
        shows.push_back(static_cast<Index>(s));
    std::vector<bool> exhausted(shows.size(), false);
    while (true) {
      if (booked >= static_cast<size_t>(config.max_bookings_per_host)) {
        if (record)
          for (size_t i = 0; i < shows.size(); ++i)
            if (!exhausted[i])
              for (Index j : show_jobs[shows[i]])
                for (Index l : farm.jobs[j].layers)
                  if (layer_failed[l] != stamp && ov.layerWaiting(l) > 0)
                    plan.skipped.push_back({l, h, SkipReason::kHostBookingCap});
        return;
      }
      // a. the show furthest below its entitlement
      size_t best = shows.size();
      double best_ratio = std::numeric_limits<double>::infinity();
      uint64_t best_tie = 0;
      for (size_t i = 0; i < shows.size(); ++i) {
        if (exhausted[i]) continue;
        const SubscriptionView& sub = farm.subs[farm.subscription(shows[i], host.alloc)];
        const double used = ov.subUsed(farm.subscription(shows[i], host.alloc));
        // OpenCue's tier: used/size; a show with no size ranks as 1 + its cores, so
        // that it gets a core once everyone else is at their size
        const double ratio = sub.size > 0 ? used / sub.size : 1.0 + used / core::kCoreUnitsPerCore;
        const uint64_t tie = config.seed ? mix(config.seed ^ (shows[i] * 7919ULL) ^ booked) : 0;
        if (ratio < best_ratio || (ratio == best_ratio && tie < best_tie)) {
          best = i;
          best_ratio = ratio;
          best_tie = tie;
        }
      }
      if (best == shows.size()) return;
      // b, c. its best job and layer
      if (serveShow(shows[best], h, plan, record))
        ++booked;
      else
        exhausted[best] = true;
    }
  }

  // When enough of the host's procs have ended (expected) for a frame of the layer to
  // fit, or nullopt if it never would. `booked`: this plan's bookings on the host.
  std::optional<EpochSec> readyAt(Index l, Index h,
                                  const std::vector<const Booking*>& booked) const {
    const LayerView& layer = farm.layers[l];
    const HostView& host = farm.hosts[h];
    const CoreUnits need_cores = minCoresOn(layer, host);
    const MemoryKb need_memory = frameMemory(layer, ov.layerHead(l));
    CoreUnits cores = host.cores - ov.hostUsedCores(h);
    MemoryKb memory = host.memory - ov.hostUsedMemory(h);
    int32_t gpus = host.gpus - ov.hostUsedGpus(h);
    auto fits = [&] {
      return cores >= need_cores && memory >= need_memory && gpus >= layer.min_gpus;
    };
    if (fits()) return now;
    struct End {
      EpochSec at;
      CoreUnits cores;
      MemoryKb memory;
      int32_t gpus;
    };
    std::vector<End> ends;
    for (Index p : host.procs) {
      const ProcView& proc = farm.procs[p];
      ends.push_back({std::max(now, proc.start_time + expectedSeconds(farm.layers[proc.layer],
                                                                      config)),
                      proc.cores, proc.memory, proc.gpus});
    }
    for (const Booking* b : booked)
      ends.push_back(
          {now + expectedSeconds(farm.layers[b->layer], config), b->cores, b->memory, b->gpus});
    std::sort(ends.begin(), ends.end(), [](const End& a, const End& b) { return a.at < b.at; });
    for (const auto& e : ends) {
      cores += e.cores;
      memory += e.memory;
      gpus += e.gpus;
      if (fits()) return e.at;
    }
    return std::nullopt;
  }

  // Keeps valid reservations and places new ones for wide frames that found no host.
  void placeReservations(Plan& plan) {
    const Index n_hosts = static_cast<Index>(farm.hosts.size());
    std::vector<bool> host_reserved(farm.hosts.size(), false);
    std::vector<int32_t> per_alloc(farm.allocs.size(), 0);
    std::vector<int32_t> layer_reserved(farm.layers.size(), 0);
    // The plan's bookings by host, for readyAt: reserveOne asks it of every host, and
    // scanning every booking for each was quadratic in a cold fill's thousands of them.
    booked_on_host.assign(farm.hosts.size(), {});
    for (const auto& b : plan.bookings) booked_on_host[b.host].push_back(&b);
    auto still_wanted = [&](Index l, Index h) {
      return l >= 0 && l < static_cast<Index>(farm.layers.size()) && h >= 0 && h < n_hosts &&
             !jobBlocked(farm, ov, l) && !hostBlocked(farm.hosts[h]) && !ov.reservationTaken(h);
    };
    for (const auto& r : farm.reservations) {
      if (!still_wanted(r.layer, r.host) || host_reserved[r.host]) continue;
      auto ready = readyAt(r.layer, r.host, booked_on_host[r.host]);
      if (!ready) continue;
      Reservation kept = r;
      kept.ready_at = *ready;
      host_reserved[r.host] = true;
      layer_reserved[r.layer] += 1;
      per_alloc[farm.hosts[r.host].alloc] += 1;
      plan.reservations.push_back(kept);
    }
    // wide layers still waiting, in the order shows and jobs are served
    for (size_t s = 0; s < farm.shows.size(); ++s) {
      for (Index j : show_jobs[s]) {
        for (Index l : farm.jobs[j].layers) {
          const LayerView& layer = farm.layers[l];
          if (layer.min_cores > 0 && layer.min_cores <= core::kCoreUnitsPerCore) continue;
          // one reservation per waiting frame of the layer, at most
          while (static_cast<size_t>(layer_reserved[l]) < ov.layerWaiting(l) &&
                 !jobBlocked(farm, ov, l) && reserveOne(l, j, host_reserved, per_alloc, plan))
            layer_reserved[l] += 1;
        }
      }
    }
  }

  // Reserves the host where a frame of layer l fits soonest; false if none qualifies.
  bool reserveOne(Index l, Index j, std::vector<bool>& host_reserved,
                  std::vector<int32_t>& per_alloc, Plan& plan) {
    const LayerView& layer = farm.layers[l];
    const Index n_hosts = static_cast<Index>(farm.hosts.size());
    Index best = kNone;
    EpochSec best_at = 0;
    for (Index h = 0; h < n_hosts; ++h) {
      const HostView& host = farm.hosts[h];
      if (host_reserved[h] || hostBlocked(host) || host.alloc < 0) continue;
      if (per_alloc[host.alloc] >= config.max_reservations_per_alloc) continue;
      if (!tagsMatch(layer, host)) continue;
      const Index sub = farm.subscription(farm.jobs[j].show, host.alloc);
      if (sub == kNone) continue;
      if (ov.subUsed(sub) + minCoresOn(layer, host) >
          std::max(farm.subs[sub].burst, farm.subs[sub].size))
        continue;
      auto ready = readyAt(l, h, booked_on_host[h]);
      if (!ready) continue;
      if (*ready <= now) return false;  // it fits somewhere now: nothing to hold
      if (best == kNone || *ready < best_at) {
        best = h;
        best_at = *ready;
      }
    }
    if (best == kNone) return false;
    host_reserved[best] = true;
    per_alloc[farm.hosts[best].alloc] += 1;
    plan.reservations.push_back({best, l, now, best_at});
    return true;
  }
};

}  // namespace

Plan planHost(const FarmView& farm, Index host, const Config& config, EpochSec now) {
  Plan plan;
  if (host < 0 || host >= static_cast<Index>(farm.hosts.size())) return plan;
  Planner p(farm, config, now);
  p.fillHost(host, plan, true);
  return plan;
}

Plan planHosts(const FarmView& farm, const std::vector<Index>& hosts, const Config& config,
               EpochSec now) {
  Plan plan;
  Planner p(farm, config, now);
  for (Index h : hosts)
    if (h >= 0 && h < static_cast<Index>(farm.hosts.size())) p.fillHost(h, plan, false);
  return plan;
}

Plan planFarm(const FarmView& farm, const Config& config, EpochSec now, size_t max_bookings) {
  Plan plan;
  Planner p(farm, config, now);
  std::vector<Index> order;
  for (size_t h = 0; h < farm.hosts.size(); ++h)
    if (!hostBlocked(farm.hosts[h]) && farm.hosts[h].idleCores() > 0)
      order.push_back(static_cast<Index>(h));
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return farm.hosts[a].idleCores() > farm.hosts[b].idleCores();
  });
  for (Index h : order) {
    if (plan.bookings.size() >= max_bookings) {
      plan.complete = false;
      plan.reservations = farm.reservations;
      return plan;
    }
    p.fillHost(h, plan, false);
  }
  p.placeReservations(plan);
  return plan;
}

}  // namespace cue::dispatch

#include "dispatch/audit.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace cue::dispatch {

std::vector<std::string> auditFarm(const FarmView& farm) {
  std::vector<std::string> out;
  const size_t H = farm.hosts.size();
  std::vector<CoreUnits> host_cores(H), sub_used(farm.subs.size()), job_cores(farm.jobs.size()),
      group_used(farm.groups.size());
  std::vector<MemoryKb> host_mem(H), host_gpu_mem(H);
  std::vector<int32_t> host_gpus(H), host_slots(H), job_gpus(farm.jobs.size()),
      limit_running(farm.limits.size()), layer_running(farm.layers.size());
  std::set<std::string> frames;
  for (size_t i = 0; i < farm.procs.size(); ++i) {
    const ProcView& p = farm.procs[i];
    if (!p.active) continue;
    if (!frames.insert(p.frame_id).second)
      out.push_back(absl::StrCat("frame ", p.frame_id, " runs in two procs"));
    host_cores[p.host] += p.cores;
    host_mem[p.host] += p.memory;
    host_gpus[p.host] += p.gpus;
    host_gpu_mem[p.host] += p.gpu_memory;
    host_slots[p.host] += p.slots;
    const JobView& job = farm.jobs[p.job];
    Index s = farm.subscription(job.show, farm.hosts[p.host].alloc);
    if (s != kNone) sub_used[s] += p.cores;
    job_cores[p.job] += p.cores;
    job_gpus[p.job] += p.gpus;
    for (Index g = job.group; g != kNone; g = farm.groups[g].parent) group_used[g] += p.cores;
    for (Index l : farm.layers[p.layer].limits) limit_running[l] += 1;
    layer_running[p.layer] += 1;
  }
  for (size_t h = 0; h < H; ++h) {
    const HostView& host = farm.hosts[h];
    if (host.used_cores != host_cores[h] || host.used_memory != host_mem[h] ||
        host.used_gpus != host_gpus[h] || host.used_gpu_memory != host_gpu_mem[h] ||
        host.used_slots != host_slots[h])
      out.push_back(absl::StrCat("host ", host.name, ": counted ", host.used_cores,
                                 " cores, procs hold ", host_cores[h]));
    if (host_cores[h] > host.cores || host_mem[h] > host.memory || host_gpus[h] > host.gpus ||
        host_gpu_mem[h] > host.gpu_memory || (host.slots > 0 && host_slots[h] > host.slots))
      out.push_back(absl::StrCat("host ", host.name, " over-booked: ", host_cores[h], "/",
                                 host.cores, " cores, ", host_mem[h], "/", host.memory,
                                 " KB, ", host_gpus[h], "/", host.gpus, " GPUs, ",
                                 host_slots[h], "/", host.slots, " slots"));
  }
  for (size_t s = 0; s < farm.subs.size(); ++s) {
    const SubscriptionView& sub = farm.subs[s];
    if (sub.used != sub_used[s])
      out.push_back(absl::StrCat("subscription ", sub.id, ": counted ", sub.used,
                                 " cores, procs hold ", sub_used[s]));
    if (sub_used[s] > std::max(sub.burst, sub.size))
      out.push_back(absl::StrCat("subscription ", sub.id, " over burst: ", sub_used[s], " > ",
                                 std::max(sub.burst, sub.size)));
  }
  for (size_t j = 0; j < farm.jobs.size(); ++j) {
    const JobView& job = farm.jobs[j];
    if (job.used_cores != job_cores[j] || job.used_gpus != job_gpus[j])
      out.push_back(absl::StrCat("job ", job.name, ": counted ", job.used_cores,
                                 " cores, procs hold ", job_cores[j]));
    if (job.max_cores > 0 && job_cores[j] > job.max_cores)
      out.push_back(absl::StrCat("job ", job.name, " over max cores: ", job_cores[j], " > ",
                                 job.max_cores));
    if (job.max_gpus > 0 && job_gpus[j] > job.max_gpus)
      out.push_back(absl::StrCat("job ", job.name, " over max gpus: ", job_gpus[j], " > ",
                                 job.max_gpus));
  }
  for (size_t g = 0; g < farm.groups.size(); ++g) {
    const GroupView& gv = farm.groups[g];
    if (gv.used != group_used[g])
      out.push_back(absl::StrCat("group ", gv.name, ": counted ", gv.used, " cores, procs hold ",
                                 group_used[g]));
    if (gv.max_cores >= 0 && group_used[g] > gv.max_cores)
      out.push_back(absl::StrCat("group ", gv.name, " over max cores: ", group_used[g], " > ",
                                 gv.max_cores));
  }
  for (size_t l = 0; l < farm.limits.size(); ++l) {
    const LimitView& lim = farm.limits[l];
    if (lim.running != limit_running[l])
      out.push_back(absl::StrCat("limit ", lim.name, ": counted ", lim.running, ", procs ",
                                 limit_running[l]));
    if (limit_running[l] > lim.max_value)
      out.push_back(absl::StrCat("limit ", lim.name, " exceeded: ", limit_running[l], " > ",
                                 lim.max_value));
  }
  for (size_t l = 0; l < farm.layers.size(); ++l)
    if (farm.layers[l].running_frames != layer_running[l])
      out.push_back(absl::StrCat("layer ", farm.layers[l].id, ": counted ",
                                 farm.layers[l].running_frames, " running, procs ",
                                 layer_running[l]));
  return out;
}

std::vector<CoreUnits> entitledShares(const FarmView& farm, const std::vector<CoreUnits>& demand,
                                      const std::vector<CoreUnits>& capacity_by_alloc) {
  std::vector<CoreUnits> share(farm.subs.size(), 0);
  for (size_t a = 0; a < farm.allocs.size(); ++a) {
    std::vector<size_t> subs;
    for (size_t s = 0; s < farm.subs.size(); ++s)
      if (farm.subs[s].alloc == static_cast<Index>(a)) subs.push_back(s);
    CoreUnits left = capacity_by_alloc[a];
    // hand out one core at a time to the subscription with the lowest share/size
    while (left >= core::kCoreUnitsPerCore) {
      size_t best = subs.size();
      double best_ratio = 0;
      for (size_t i = 0; i < subs.size(); ++i) {
        const size_t s = subs[i];
        const SubscriptionView& sub = farm.subs[s];
        const CoreUnits cap = std::min(std::max(sub.burst, sub.size), demand[s]);
        if (share[s] + core::kCoreUnitsPerCore > cap) continue;
        const double ratio = sub.size > 0 ? static_cast<double>(share[s]) / sub.size
                                          : 1.0 + share[s] / core::kCoreUnitsPerCore;
        if (best == subs.size() || ratio < best_ratio) {
          best = i;
          best_ratio = ratio;
        }
      }
      if (best == subs.size()) break;
      share[subs[best]] += core::kCoreUnitsPerCore;
      left -= core::kCoreUnitsPerCore;
    }
  }
  return share;
}

}  // namespace cue::dispatch

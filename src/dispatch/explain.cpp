#include "dispatch/explain.h"

#include <algorithm>

#include "dispatch/fit.h"

namespace cue::dispatch {
namespace {

std::string hostCounts(const LayerExplanation& e) {
  std::string s = std::to_string(e.hosts_fit) + "/" + std::to_string(e.hosts_total) + " hosts";
  std::vector<std::pair<int32_t, int>> counts;
  for (int r = 0; r < kSkipReasonCount; ++r)
    if (e.host_counts[r] > 0) counts.push_back({e.host_counts[r], r});
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < counts.size(); ++i) {
    s += i == 0 ? ": " : ", ";
    s += std::to_string(counts[i].first) + " " +
         std::string(shortName(static_cast<SkipReason>(counts[i].second)));
  }
  return s;
}

}  // namespace

JobExplanation explainJob(const FarmView& farm, Index j, const Config& config, EpochSec now) {
  JobExplanation out;
  out.job = j;
  if (j < 0 || j >= static_cast<Index>(farm.jobs.size())) {
    out.summary = "no such job";
    return out;
  }
  const JobView& job = farm.jobs[j];
  Overlay ov(farm);
  PlanContext ctx(farm);
  int running_layers = 0, ready_layers = 0;
  for (Index l : job.layers) {
    const LayerView& layer = farm.layers[l];
    if (layer.waitingCount() == 0 && layer.depend_frames == 0) {
      if (layer.running_frames > 0) ++running_layers;
      continue;
    }
    LayerExplanation e;
    e.layer = l;
    e.waiting = static_cast<int32_t>(layer.waitingCount());
    e.depend = layer.depend_frames;
    e.running = layer.running_frames;
    e.blocked = jobBlocked(farm, ov, l);
    if (e.blocked) {
      e.summary = std::string(toString(*e.blocked));
      if (*e.blocked == SkipReason::kDependWait)
        e.summary += " (" + std::to_string(e.depend) + " frames)";
    } else {
      for (size_t h = 0; h < farm.hosts.size(); ++h) {
        ++e.hosts_total;
        std::optional<SkipReason> why = hostBlocked(farm.hosts[h]);
        Proposal p;
        if (!why) why = fitOnHost(farm, ov, ctx, config, l, static_cast<Index>(h), now, p);
        if (why)
          ++e.host_counts[static_cast<int>(*why)];
        else
          ++e.hosts_fit;
      }
      e.summary = hostCounts(e);
      if (e.hosts_fit > 0) {
        ++ready_layers;
        e.summary += " (bookable now: waits for the next dispatch or for work ahead of it)";
      }
    }
    out.layers.push_back(std::move(e));
  }
  if (!job.active)
    out.summary = "job is finished";
  else if (out.layers.empty())
    out.summary = running_layers > 0 ? "every remaining frame is running" : "no frames left";
  else if (ready_layers > 0)
    out.summary = std::to_string(ready_layers) + " layer(s) can be booked now";
  else
    out.summary = out.layers.front().summary;
  return out;
}

}  // namespace cue::dispatch

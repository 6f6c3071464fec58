// Builds a FarmView by name, for tests, the simulation test and benchmarks. Not used by
// cuebot (its model fills the view from the store).
//
//   FarmBuilder b;
//   b.alloc("local.general", "general");
//   b.show("film", {{"local.general", 800, 1200}});   // size 8 cores, burst 12
//   b.host("h1", "local.general", 1600, 64);           // 16 cores, 64 GB
//   Index j = b.job("film", "film-shot-job", 1);        // priority 1
//   b.layer(j, "render", 10, 100, 4);                   // 10 frames, 1 core, 4 GB each
//   FarmView farm = b.build();
//
// Sizes are in core units and GB unless a name says otherwise. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "dispatch/farm_view.h"

namespace cue::dispatch {

class FarmBuilder {
 public:
  struct Sub {
    std::string alloc;
    CoreUnits size;
    CoreUnits burst;
  };

  Index alloc(const std::string& name, const std::string& tag) {
    farm_.allocs.push_back({name, name, tag});
    return index(alloc_, name, farm_.allocs.size());
  }
  Index show(const std::string& name, const std::vector<Sub>& subs) {
    ShowView s;
    s.id = s.name = name;
    farm_.shows.push_back(s);
    Index idx = index(show_, name, farm_.shows.size());
    GroupView root;
    root.id = root.name = name;
    root.show = idx;
    farm_.groups.push_back(root);
    root_group_[name] = static_cast<Index>(farm_.groups.size() - 1);
    for (const auto& sub : subs) subscribe(name, sub.alloc, sub.size, sub.burst);
    return idx;
  }
  Index subscribe(const std::string& show, const std::string& alloc, CoreUnits size,
                  CoreUnits burst) {
    SubscriptionView s;
    s.id = show + "." + alloc;
    s.show = show_.at(show);
    s.alloc = alloc_.at(alloc);
    s.size = size;
    s.burst = burst;
    farm_.subs.push_back(s);
    return static_cast<Index>(farm_.subs.size() - 1);
  }
  Index group(const std::string& show, const std::string& name, Index parent, CoreUnits min_cores,
              CoreUnits max_cores) {
    GroupView g;
    g.id = g.name = name;
    g.show = show_.at(show);
    g.parent = parent == kNone ? root_group_.at(show) : parent;
    g.min_cores = min_cores;
    g.max_cores = max_cores;
    farm_.groups.push_back(g);
    return static_cast<Index>(farm_.groups.size() - 1);
  }
  Index rootGroup(const std::string& show) const { return root_group_.at(show); }
  Index limit(const std::string& name, int32_t max_value) {
    farm_.limits.push_back({name, name, max_value, 0});
    return index(limit_, name, farm_.limits.size());
  }
  Index host(const std::string& name, const std::string& alloc, CoreUnits cores,
             int64_t memory_gb, std::vector<std::string> tags = {}) {
    HostView h;
    h.id = h.name = name;
    h.alloc = alloc_.at(alloc);
    h.tags = std::move(tags);
    h.tags.push_back(farm_.allocs[h.alloc].tag);
    h.cores = cores;
    h.memory = memory_gb * core::kKbPerGb;
    farm_.hosts.push_back(h);
    return static_cast<Index>(farm_.hosts.size() - 1);
  }
  HostView& hostRef(Index h) { return farm_.hosts[h]; }
  Index job(const std::string& show, const std::string& name, int32_t priority,
            EpochSec start_time = 0, Index group = kNone) {
    JobView j;
    j.id = j.name = name;
    j.show = show_.at(show);
    j.group = group == kNone ? root_group_.at(show) : group;
    j.priority = priority;
    j.start_time = start_time;
    farm_.jobs.push_back(j);
    return static_cast<Index>(farm_.jobs.size() - 1);
  }
  JobView& jobRef(Index j) { return farm_.jobs[j]; }
  Index layer(Index job, const std::string& name, int32_t frames, CoreUnits min_cores,
              int64_t memory_gb, std::vector<std::string> tags = {}) {
    LayerView l;
    l.id = farm_.jobs[job].name + "/" + name;
    l.name = name;
    l.job = job;
    l.min_cores = min_cores;
    l.min_memory = memory_gb * core::kKbPerGb;
    l.tags = std::move(tags);
    for (int32_t i = 0; i < frames; ++i)
      l.waiting.push_back({l.id + "/" + std::to_string(i + 1), i + 1, 0});
    farm_.layers.push_back(std::move(l));
    Index idx = static_cast<Index>(farm_.layers.size() - 1);
    farm_.jobs[job].layers.push_back(idx);
    return idx;
  }
  LayerView& layerRef(Index l) { return farm_.layers[l]; }
  FarmView& farm() { return farm_; }

  FarmView build() {
    farm_.indexSubscriptions();
    return farm_;
  }

 private:
  static Index index(std::map<std::string, Index>& m, const std::string& name, size_t size) {
    m[name] = static_cast<Index>(size - 1);
    return static_cast<Index>(size - 1);
  }
  FarmView farm_;
  std::map<std::string, Index> alloc_, show_, limit_;
  std::map<std::string, Index> root_group_;
};

}  // namespace cue::dispatch

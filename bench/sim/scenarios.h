// The simulator's scenarios: a farm, its shows, the jobs submitted to it and how their
// frames behave. Each is built from a few parameters so that CI can run small ones.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim.h"

namespace cue::sim {

struct ShowSpec {
  std::string name;
  int size = 0, burst = 0;  // whole cores
};

struct Scenario {
  std::string name;
  std::vector<HostSpec> hosts;
  std::map<std::string, FrameProfile> profiles;  // by layer name
  std::vector<ShowSpec> shows;
  std::vector<std::string> specs;  // job spec XML, submitted in order
  int64_t frames = 0;              // frames in all specs
  double time_scale = 1;
  double report_interval = 60;     // simulated seconds
  double duration = 0;             // wall seconds after submission; 0: until every frame is done
  double blast_seconds = 0;        // then, host reports as fast as they go for this long
};

struct ScenarioParams {
  int hosts = 0, jobs = 0, frames_per_layer = 0;  // 0: the scenario's default
  double duration = -1, time_scale = 0;
  uint64_t seed = 1;
};

// drain, studio, scale, churn, reports; INVALID_ARGUMENT for another name.
absl::StatusOr<Scenario> makeScenario(const std::string& name, const ScenarioParams& params);

}  // namespace cue::sim

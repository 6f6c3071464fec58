// "Why isn't my job running?": for each layer of a job with frames left, the job-wide
// reason it cannot book, or how many hosts could take its next frame and why the others
// cannot, counted per reason like Kubernetes' "0/40 nodes are available: 30 lack tag
// gpu, 10 lack memory". Uses the planner's own checks (fit.h), so the answer is what the
// planner would decide now.
// Thread-safety: pure; the caller must not change the view during a call.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/farm_view.h"
#include "dispatch/plan.h"

namespace cue::dispatch {

struct LayerExplanation {
  Index layer = kNone;
  int32_t waiting = 0;
  int32_t depend = 0;
  int32_t running = 0;
  // A reason that holds on every host (paused, depends, job at max cores, limit ...).
  std::optional<SkipReason> blocked;
  int32_t hosts_total = 0;
  int32_t hosts_fit = 0;  // hosts where its next frame would be booked now
  std::array<int32_t, kSkipReasonCount> host_counts{};  // hosts failing on each reason
  std::string summary;  // one line for people, e.g. "0/40 hosts: 30 lack tag, 10 lack memory"
};

struct JobExplanation {
  Index job = kNone;
  std::vector<LayerExplanation> layers;  // layers with waiting or depend-held frames
  std::string summary;                   // one line for the job
};

JobExplanation explainJob(const FarmView& farm, Index job, const Config& config, EpochSec now);

}  // namespace cue::dispatch

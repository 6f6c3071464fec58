// A simulation of memory reservation policies (memory_policy.h), for the comparison the
// scheduling issue asks for and for docs/PERFORMANCE.md.
//
// Steps, per layer (frames of a layer run one after another, so history accumulates):
//   1. each layer has a true peak-memory distribution: log-normal around a median of
//      0.5 to 32 GB with a spread of 5% to 40%; the artist asked for 0.5x to 3x that
//      median (a guess, as in real specs);
//   2. each frame reserves what the policy estimates (the request until min_samples);
//   3. a frame whose peak exceeds its reservation is killed for memory and retried with
//      the reservation plus the OOM increase (2 GB), until it fits; the history learns
//      that it was killed at its reservation (MemoryHistory::addKill), as cuebot does;
//   4. a frame that fits succeeds; its peak joins the layer's history; the memory it
//      reserved but did not use is counted as idle.
// Deterministic for a seed. Pure: no I/O.
#pragma once

#include <cstdint>

#include "dispatch/memory_policy.h"

namespace cue::dispatch {

struct MemorySimResult {
  int64_t frames = 0;
  int64_t oom_kills = 0;
  double idle_gb_per_frame = 0;      // reserved but unused, mean over succeeded frames
  double reserved_gb_per_frame = 0;  // mean reservation of succeeded frames
  // Memory held per frame counting killed attempts too (GB x attempts, each attempt as
  // long as the frame): what the farm paid in memory-time per finished frame.
  double held_gb_per_frame = 0;
};

// `bump_layer_on_oom`: OpenCue Cuebot's rule instead of a learned estimate: after an
// out-of-memory kill the layer's request itself becomes the killed reservation plus the
// increase, for every later frame (use with MemoryPolicy::kRequested).
MemorySimResult simulateMemoryPolicy(const MemoryPolicyConfig& config, uint64_t seed,
                                     int layers = 60, int frames_per_layer = 200,
                                     bool bump_layer_on_oom = false);

}  // namespace cue::dispatch

// Memory that learns: how much memory to reserve for a layer's next frame, from the peaks
// (max RSS) its finished frames actually used.
//
// Two policies, both kept so that the simulator can compare them:
//   - kMedianOfRecent (OpenCue Maestro's): the median of the last 32 peaks. Half of the
//     frames need more than that: with tight reservations they risk an OOM kill.
//   - kPercentileMargin (Cue's default): the 95th percentile of the last 64 peaks plus a
//     10% margin, rounded up to 256 MB; and never below what a frame killed for memory
//     within the last 64 frames was retried with (its reservation plus oom_increase),
//     from the first kill on, as OpenCue's Cuebot raises a layer after a kill. Few
//     frames exceed it; little memory sits idle.
// Until `min_samples` frames have finished, the layer's requested memory stands. The
// estimate never goes below `floor` nor above `ceiling`.
//
// An out-of-memory kill raises the killed frame's own reservation by the service's
// min_memory_increase (OpenCue: 2 GB) and the layer's to at least that (oomRetryMemory),
// without using up a retry.
// Thread-safety: a MemoryHistory is a value; synchronise access to one instance.
#pragma once

#include <cstdint>
#include <deque>

#include "core/types.h"

namespace cue::dispatch {

using core::MemoryKb;

enum class MemoryPolicy { kRequested, kMedianOfRecent, kPercentileMargin };

struct MemoryPolicyConfig {
  MemoryPolicy policy = MemoryPolicy::kPercentileMargin;
  int32_t min_samples = 3;
  int32_t window = 64;             // peaks kept (the median policy looks at the last 32)
  double percentile = 0.95;
  double margin = 0.10;            // added to the percentile
  MemoryKb round_to = 256 * 1024;  // reservations are multiples of this
  MemoryKb floor = 256 * 1024;
  MemoryKb ceiling = 0;            // 0 = no ceiling
  MemoryKb oom_increase = 2 * core::kKbPerGb;  // added to a killed frame's reservation
};

class MemoryHistory {
 public:
  void addPeak(MemoryKb max_rss);
  // A frame was killed for memory after reaching `reached` (its reservation): for the
  // next `window` frames the estimate stays above it (percentile policy).
  void addKill(MemoryKb reached);
  int32_t samples() const { return static_cast<int32_t>(peaks_.size()); }
  // The reservation for the next frame of a layer that asked for `requested`.
  MemoryKb estimate(MemoryKb requested, const MemoryPolicyConfig& config) const;

 private:
  std::deque<MemoryKb> peaks_;  // newest last, at most kMaxWindow
  std::deque<std::pair<int64_t, MemoryKb>> kills_;  // (peaks_seen_ at the kill, reached)
  int64_t peaks_seen_ = 0;
};

// Memory for a frame retried after an out-of-memory kill: what it had plus the increase.
MemoryKb oomRetryMemory(MemoryKb reserved, MemoryKb increase);

// OpenCue's marks of an out-of-memory kill: exit status 33 or 137, or signal 33; a kill
// by the kernel's OOM killer (signal 9) with a peak at or above the reservation.
bool isOutOfMemory(int32_t exit_status, int32_t exit_signal, MemoryKb max_rss,
                   MemoryKb reserved);

}  // namespace cue::dispatch

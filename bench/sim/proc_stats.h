// A process's CPU time and peak RSS from /proc, for the benchmarks (farm_sim, grpc_floor).
#pragma once

#include <cstdint>

namespace cue::sim {

// CPU seconds (user + system) and peak RSS (KB) of a process (`self` when pid <= 0).
double processCpuSeconds(int pid);
int64_t processPeakRssKb(int pid);

}  // namespace cue::sim

// A process's CPU time and peak RSS from /proc, for the benchmarks (farm_sim, grpc_floor,
// drain_bench).
#pragma once

#include <cstdint>
#include <vector>

namespace cue::sim {

// CPU seconds (user + system) and peak RSS (KB) of a process (`self` when pid <= 0).
double processCpuSeconds(int pid);
// CPU seconds of the children it has reaped (and theirs, as they reaped them).
double reapedChildrenCpuSeconds(int pid);
int64_t processPeakRssKb(int pid);

// Each CPU this process may run on, timed on one fixed piece of work (ms; lower is
// faster). On a VM whose CPUs are shared with other guests they differ, and change over
// time, and so does every figure measured on them.
std::vector<double> cpuProbeMs();

}  // namespace cue::sim

// Audits of a FarmView's invariants, for the simulation test, the simulator and cuebot's
// self-checks. Each violation comes back as one line naming the entity and the numbers.
//   1. No host over-booked: cores, memory, GPUs, GPU memory, slots.
//   2. Counters equal the sums over active procs: host, subscription, job, folder (tree),
//      limit, layer running frames.
//   3. No cap exceeded: subscription burst, job max cores and GPUs, folder max cores,
//      limit maximum.
//   4. One proc per running frame (no frame id twice).
// Thread-safety: pure.
#pragma once

#include <string>
#include <vector>

#include "dispatch/farm_view.h"

namespace cue::dispatch {

std::vector<std::string> auditFarm(const FarmView& farm);

// What each subscription is entitled to when every show wants `demand[sub]` cores:
// water-filling, served in order of used/size, capped at burst and demand, over the
// allocation's `capacity`. Used by the simulation to check shares.
std::vector<CoreUnits> entitledShares(const FarmView& farm, const std::vector<CoreUnits>& demand,
                                      const std::vector<CoreUnits>& capacity_by_alloc);

}  // namespace cue::dispatch

// The planner: a pure function from the farm's state to bookings and reasons. No store,
// no RPC, no clock reads, no logging; `now` and randomness come in.
//
// planHost(farm, host) fills one host and says why each layer it tried stopped;
// planHosts(farm, hosts) fills several in turn without reasons (the fast path: procs
// freed, hosts reported). For each host:
//   1. A host that is down, locked or NIMBY-locked books nothing.
//   2. A wide frame holding the host (a Reservation) goes first once it fits; until then
//      other work may use the host only if it is expected to end before the reservation
//      is ready (backfill).
//   3. Repeat, one frame at a time, until the host is full or nobody can use it:
//      a. pick the show to serve: among shows subscribed to the host's allocation with
//         work left to try, the lowest used/size (shows below their size come first;
//         a show with size 0 ranks as 1 + its cores, as OpenCue's tier: it gets a core
//         once the others are at their size); never a show at its burst;
//      b. within the show, jobs in order: below their min cores first, then jobs of
//         folders below their min, then higher priority, then older; in each job its
//         layers in dispatch order;
//      c. the first layer whose next frame passes every check (fit.h) gets one frame.
//   Each booking changes the counters that the next choice sees (in a scratch overlay;
//   the view itself is not changed).
// planFarm(farm) does the same for every host (hosts with more idle cores first) and
// then places reservations for wide frames that fit no host now (see Config).
//
// Thread-safety: pure; the caller must not change the view during a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dispatch/farm_view.h"

namespace cue::dispatch {

struct Config {
  // Most frames booked on one host in one plan.
  int32_t max_bookings_per_host = 100;
  // A host may carry load (x100) up to its cores plus this many hundredths per core
  // (OpenCue: 5%); load beyond that and beyond what cuebot booked takes cores away.
  CoreUnits load_allowance_per_core = 5;
  // Threadable frames on AUTO/VARIABLE hosts: when booking a frame would leave this
  // much memory or less, the frame takes all the host's idle cores instead of stranding
  // them (OpenCue's MEM_STRANDED_THRESHHOLD, 1.5 GB).
  MemoryKb stranded_memory = 1536 * 1024;
  // On a GPU host, while GPU work waits in its allocation, CPU-only frames must leave
  // this much per idle GPU so that GPU frames can still start there.
  CoreUnits gpu_keep_cores_per_gpu = 100;
  MemoryKb gpu_keep_memory_per_gpu = 4 * core::kKbPerGb;
  // Expected run time of a frame whose layer has no history (reservations, backfill).
  EpochSec default_frame_sec = 3600;
  // planFarm: most wide-frame reservations held per allocation at once.
  int32_t max_reservations_per_alloc = 8;
  // Tie-break among equally entitled shows (0: lowest index wins).
  uint64_t seed = 0;
};

// Why a layer got no frame on a host. Ordered roughly from job-wide to host-specific;
// explain.h counts them per host.
enum class SkipReason {
  kJobPaused,
  kJobFinished,
  kDependWait,           // every remaining frame waits on a depend
  kShowInactive,
  kShowBookingDisabled,  // show booking or dispatch switched off
  kNoSubscription,       // show not subscribed to the host's allocation
  kShowAtBurst,
  kJobAtMaxCores,
  kJobAtMaxGpus,
  kGroupAtMaxCores,
  kLimitReached,
  kHostDown,
  kHostLocked,
  kHostNimby,
  kTagMismatch,
  kHostTooSmall,         // the frame would not fit even on the empty host
  kNotEnoughCores,
  kNotEnoughMemory,
  kNotEnoughGpus,
  kNotEnoughGpuMemory,
  kNoFreeSlot,
  kKeptForGpuWork,       // CPU frame on a GPU host while GPU work waits
  kReservedForWideFrame,
  kHostBookingCap,       // max_bookings_per_host reached in this plan
};
inline constexpr int kSkipReasonCount = static_cast<int>(SkipReason::kHostBookingCap) + 1;
std::string_view toString(SkipReason r);
// Short form for counts: "lack tag", "lack memory", ...
std::string_view shortName(SkipReason r);
// Stable machine name for APIs and JSON: "LACK_TAG", "LACK_MEMORY", ...
std::string code(SkipReason r);

struct LayerSkip {
  Index layer = kNone;
  Index host = kNone;
  SkipReason reason = SkipReason::kNotEnoughCores;
};

struct Plan {
  std::vector<Booking> bookings;
  std::vector<LayerSkip> skipped;  // planHost: the reason each considered layer stopped
  // planFarm: the reservations to hold from now on (replaces farm.reservations).
  std::vector<Reservation> reservations;
  // planFarm: false when it stopped at max_bookings with hosts left unplanned.
  bool complete = true;
};

Plan planHost(const FarmView& farm, Index host, const Config& config, EpochSec now);
// Several hosts in turn, in one plan (what an earlier host takes is gone for the next), as
// many host visits at once; no skip reasons.
Plan planHosts(const FarmView& farm, const std::vector<Index>& hosts, const Config& config,
               EpochSec now);
// `max_bookings`: planning stops once the plan holds that many bookings (the last host
// planned may take it past). A plan that stopped is the first hosts of the whole plan, as
// the whole plan books them; it places no reservations and keeps the farm's (incomplete).
Plan planFarm(const FarmView& farm, const Config& config, EpochSec now,
              size_t max_bookings = SIZE_MAX);

}  // namespace cue::dispatch

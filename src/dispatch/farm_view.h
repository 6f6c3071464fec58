// The farm as the planner sees it: plain structs indexed by position, no ids to look up
// on the hot path. cuebot's in-memory model (cuebot/model) owns one FarmView, changes it
// after every durable write, and hands it to the planner by const reference; tests and
// the simulator build one directly.
//
// Units as in core/types.h: cores in core units (100 = one core), memory in KB, times in
// epoch seconds. An index is a position in the FarmView vector of that kind; kNone means
// "none". Entries are never erased while a plan may run: a finished job is marked
// `active = false` and its slot may be reused later by the model.
//
// Counters (`used_*`, `running_*`) are the sums over the procs booked now. They are kept
// by the owner of the view (applyBooking / releaseProc below do it for tests and the
// simulator); the audits in audit.h check them against the procs.
//
// Not thread-safe: the owner serialises changes and plans.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::dispatch {

using core::CoreUnits;
using core::EpochSec;
using core::MemoryKb;
using Index = int32_t;
inline constexpr Index kNone = -1;

struct AllocView {
  std::string id;
  std::string name;  // "<facility>.<name>"
  std::string tag;
};

struct ShowView {
  std::string id;
  std::string name;
  bool active = true;
  bool booking_enabled = true;   // false: no new procs for the show
  bool dispatch_enabled = true;  // false: no frames dispatched for the show
};

// A show's share of an allocation: `size` guaranteed, never more than `burst` in all.
struct SubscriptionView {
  std::string id;
  Index show = kNone;
  Index alloc = kNone;
  CoreUnits size = 0;
  CoreUnits burst = 0;  // <= 0 and size <= 0: the show may not book there at all
  CoreUnits used = 0;   // cores the show's procs hold on hosts of the allocation
};

// A job folder. Caps apply to the sum over the folder and its sub-folders.
struct GroupView {
  std::string id;
  std::string name;
  Index show = kNone;
  Index parent = kNone;
  CoreUnits min_cores = 0;   // below it, the folder's jobs go first within the show
  CoreUnits max_cores = -1;  // < 0: no cap
  CoreUnits used = 0;        // cores held by jobs in this folder and its sub-folders
};

// A licence counter: at most max_value frames of layers naming it run at once.
struct LimitView {
  std::string id;
  std::string name;
  int32_t max_value = 0;
  int32_t running = 0;
};

// One waiting frame of a layer, in dispatch order.
struct FrameRef {
  std::string id;
  int32_t number = 0;
  // Memory this frame needs when more than its layer's reservation (a retry after an
  // out-of-memory kill); 0 = the layer's.
  MemoryKb min_memory = 0;
};

struct JobView {
  std::string id;
  std::string name;
  Index show = kNone;
  Index group = kNone;
  bool active = true;  // PENDING
  bool paused = false;
  int32_t priority = 1;
  EpochSec start_time = 0;
  CoreUnits min_cores = 0;  // below it, the job goes first within its show
  CoreUnits max_cores = 0;  // <= 0: no cap
  int32_t max_gpus = 0;     // <= 0: no cap
  CoreUnits used_cores = 0;
  int32_t used_gpus = 0;
  std::vector<Index> layers;  // in dispatch order
};

struct LayerView {
  std::string id;
  std::string name;
  Index job = kNone;
  CoreUnits min_cores = 100;  // 0: the whole host; < 0: all the host's cores but that many
  CoreUnits max_cores = 0;    // threadable layers: at most this many (0: no cap)
  bool threadable = false;
  MemoryKb min_memory = 0;  // the reservation per frame (learned, see memory_policy.h)
  int32_t min_gpus = 0;
  MemoryKb min_gpu_memory = 0;
  int32_t slots_required = 0;  // 0: the frame takes no slot of a slot-capped host
  // Tags: a host must carry at least one of them ("a | b"); empty: any host.
  std::vector<std::string> tags;
  std::vector<Index> limits;
  EpochSec avg_frame_sec = 0;  // mean run time of its finished frames, 0 = unknown
  int32_t finished_frames = 0; // frames that succeeded (for the mean)
  int32_t depend_frames = 0;   // frames held by depends (shown in reasons)
  int32_t running_frames = 0;
  std::vector<FrameRef> waiting;  // WAITING frames in dispatch order
  size_t waiting_head = 0;        // waiting[waiting_head..] are still waiting
  size_t waitingCount() const { return waiting.size() - waiting_head; }
};

// Resources of one host reserved for one running frame.
struct ProcView {
  std::string id;
  Index host = kNone;
  Index job = kNone;
  Index layer = kNone;
  std::string frame_id;
  CoreUnits cores = 0;
  MemoryKb memory = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  int32_t slots = 0;
  EpochSec start_time = 0;
  bool active = true;  // false: released, slot free for reuse
};

struct HostView {
  std::string id;
  std::string name;
  Index alloc = kNone;
  // Every tag of every kind: allocation, hardware, manual. The hostname matches as a
  // tag too (a layer tagged with a host's name runs only there).
  std::vector<std::string> tags;
  bool up = true;        // hardware state UP
  bool locked = false;   // locked by an admin, or NIMBY-locked
  bool nimby = false;    // locked because its user is at the keyboard
  core::ThreadMode thread_mode = core::ThreadMode::kAuto;
  CoreUnits cores = 0;   // bookable
  MemoryKb memory = 0;   // bookable
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  int32_t slots = 0;     // concurrent frame slots, 0 = no cap
  int32_t load = 0;      // load average x 100, as reported
  // Cores of frames that ended here within the last minute: their work is still in the
  // 1-minute load average, so it is not counted as another process's load.
  CoreUnits recently_freed = 0;
  // Booked by cuebot now:
  CoreUnits used_cores = 0;
  MemoryKb used_memory = 0;
  int32_t used_gpus = 0;
  MemoryKb used_gpu_memory = 0;
  int32_t used_slots = 0;
  std::vector<Index> procs;  // active procs on the host

  CoreUnits idleCores() const { return cores - used_cores; }
  MemoryKb idleMemory() const { return memory - used_memory; }
  int32_t idleGpus() const { return gpus - used_gpus; }
  MemoryKb idleGpuMemory() const { return gpu_memory - used_gpu_memory; }
};

// Cores held on a host for one layer's wide frame (see plan.h, reservations).
struct Reservation {
  Index host = kNone;
  Index layer = kNone;
  EpochSec since = 0;     // when it was placed
  EpochSec ready_at = 0;  // when the host's current work is expected to have ended
};

struct FarmView {
  std::vector<AllocView> allocs;
  std::vector<ShowView> shows;
  std::vector<SubscriptionView> subs;
  std::vector<GroupView> groups;
  std::vector<LimitView> limits;
  std::vector<JobView> jobs;
  std::vector<LayerView> layers;
  std::vector<HostView> hosts;
  std::vector<ProcView> procs;
  std::vector<Index> free_procs;  // inactive proc slots, reused by applyBooking
  std::vector<Reservation> reservations;  // at most one per host
  // subscription index by (show, alloc): sub_of[show][alloc]; kNone when not subscribed.
  std::vector<std::vector<Index>> sub_of;

  // Rebuilds sub_of from subs (after adding shows, allocations or subscriptions).
  void indexSubscriptions();
  Index subscription(Index show, Index alloc) const {
    if (show < 0 || alloc < 0 || show >= static_cast<Index>(sub_of.size())) return kNone;
    const auto& row = sub_of[show];
    return alloc < static_cast<Index>(row.size()) ? row[alloc] : kNone;
  }
};

// One frame to run on one host, as the planner decided it.
struct Booking {
  Index host = kNone;
  Index job = kNone;
  Index layer = kNone;
  std::string frame_id;
  CoreUnits cores = 0;
  MemoryKb memory = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  int32_t slots = 0;
};

// Applies a booking to the view's counters and takes the frame off its layer's waiting
// list (it must be the frame at waiting_head or later). Returns the new proc's index.
Index applyBooking(FarmView& farm, const Booking& booking, const std::string& proc_id,
                   EpochSec now);
// Releases an active proc: counters go down, the proc slot is marked inactive.
void releaseProc(FarmView& farm, Index proc);

}  // namespace cue::dispatch

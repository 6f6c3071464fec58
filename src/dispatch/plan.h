// The dispatcher as a pure function: a snapshot of one host and the layers that could
// run on it in, bookings and reasons out. No database, no RPC, no clock, no logging.
//
// plan() steps, in order:
//   1. Order the layers: the preferred job first (a proc freed by a job goes back to it),
//      then job priority (higher first), then job age (older first), then layer order.
//   2. Skip a layer, with a reason, when the host's tags do not include one of the
//      layer's tags, when its job is at its max cores, or when its show is at its
//      subscription's burst in the host's allocation.
//   3. Work out the proc for one frame: cores (min_cores; a value <= 0 means "all the
//      host's cores but that many"), memory, GPUs.
//   4. Book the layer's waiting frames, in order, while the host's idle resources hold a
//      proc and the job/show limits allow; each booking reduces the idle resources the
//      following layers see.
// Assumes the snapshot's counts are consistent with each other; the store re-checks
// every booking when it makes it durable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::dispatch {

using core::CoreUnits;
using core::MemoryKb;

struct HostView {
  std::string id;
  std::vector<std::string> tags;
  CoreUnits cores = 0;  // total bookable
  CoreUnits idle_cores = 0;
  MemoryKb idle_memory = 0;
  int32_t idle_gpus = 0;
  MemoryKb idle_gpu_memory = 0;
  bool bookable = true;  // UP and unlocked
};

struct LayerView {
  std::string job_id;
  std::string layer_id;
  std::string show_id;
  int32_t job_priority = 1;
  int64_t job_start_time = 0;
  int32_t layer_order = 0;
  CoreUnits job_max_cores = 0;      // <= 0: no limit
  CoreUnits job_running_cores = 0;  // booked by the job before this plan
  CoreUnits show_burst = 0;         // <= 0: no limit
  CoreUnits show_running_cores = 0; // booked by the show in the host's allocation
  CoreUnits min_cores = 100;
  MemoryKb min_memory = 0;
  int32_t min_gpus = 0;
  MemoryKb min_gpu_memory = 0;
  std::vector<std::string> tags;           // empty: any host
  std::vector<std::string> waiting_frames; // frame ids in dispatch order
};

struct Snapshot {
  HostView host;
  std::vector<LayerView> layers;
  std::string prefer_job_id;  // may be empty
};

struct Config {
  int32_t max_bookings = 100;  // per plan
};

struct Booking {
  std::string frame_id;
  std::string job_id;
  std::string layer_id;
  CoreUnits cores = 0;
  MemoryKb memory = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
};

enum class SkipReason {
  kHostNotBookable,
  kTagMismatch,
  kJobAtMaxCores,
  kShowAtBurst,
  kNotEnoughCores,
  kNotEnoughMemory,
  kNotEnoughGpus,
};
std::string_view toString(SkipReason r);

struct Skip {
  std::string job_id;
  std::string layer_id;
  SkipReason reason;
};

struct Plan {
  std::vector<Booking> bookings;
  std::vector<Skip> skipped;
};

Plan plan(const Snapshot& snapshot, const Config& config);

}  // namespace cue::dispatch

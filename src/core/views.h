// What clients see of the farm: the domain entities together with the live figures the
// server computes for them (frame counts, cores in use). Returned by the client library
// (src/client) to the command-line tools and GUIs; filled from the wire by
// wire/view_convert. Plain values, no behaviour; units as in types.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::core {

struct JobView {
  Job job;
  FrameCounts counts;
  CoreUnits reserved_cores = 0;  // cores of its running frames
  int32_t reserved_gpus = 0;
  int32_t avg_frame_sec = 0;
};

struct LayerView {
  Layer layer;
  FrameCounts counts;
  CoreUnits reserved_cores = 0;
  int32_t avg_frame_sec = 0;
};

struct ProcView {
  Proc proc;
  std::string name;  // "host/cores/gpus"
  std::string job_name;
  std::string frame_name;
};

struct ShowView {
  Show show;
  CoreUnits reserved_cores = 0;
  int32_t running_frames = 0;
  int32_t pending_frames = 0;
  int32_t pending_jobs = 0;
};

struct AllocationView {
  Allocation alloc;
  CoreUnits cores = 0;
  CoreUnits available_cores = 0;
  CoreUnits idle_cores = 0;
  CoreUnits running_cores = 0;
  CoreUnits locked_cores = 0;
  int32_t hosts = 0;
  int32_t locked_hosts = 0;
  int32_t down_hosts = 0;
};

struct SubscriptionView {
  Subscription sub;
  CoreUnits reserved_cores = 0;
};

struct LimitView {
  Limit limit;
  int32_t running = 0;  // frames counting against the limit now
};

// A job's frames changed since a time (OpenCue's GetUpdatedFrames). Each frame carries only
// what an UpdatedFrame has: id, state, retries, exit status, start and stop, memory, GPU
// memory, last resource; the rest is left at its default.
struct FrameUpdates {
  int64_t server_time = 0;  // cuebot's clock when it answered: the next call's `since`
  JobState job_state = JobState::kPending;
  std::vector<Frame> frames;
};

// A depend as clients see it: the sides by name (empty where the side is a job or layer).
struct DependView {
  std::string id;
  DependType type = DependType::kJobOnJob;
  DependTarget target = DependTarget::kInternal;
  bool any_frame = false;
  bool active = true;  // not yet satisfied
  std::string er_job, er_layer, er_frame;  // the waiting side
  std::string on_job, on_layer, on_frame;  // what it waits on
};

// A piece of a frame's log, read through cuebot from the rqd that holds it.
struct FrameLogChunk {
  std::string data;
  int64_t next_offset = 0;
  int64_t size = 0;         // the log's size when read
  std::string path;         // where the log is on its host
  std::string host;
  bool frame_done = false;  // the frame no longer runs: the log will not grow
};

// The planner's answer to "why is this job not running?", layer by layer.
struct HostReasonCountView {
  std::string reason;  // "LACK_TAG", ...
  std::string description;
  int32_t hosts = 0;
};

struct LayerWhyView {
  std::string layer_id;
  std::string layer_name;
  int32_t waiting_frames = 0;
  int32_t depend_frames = 0;
  int32_t running_frames = 0;
  std::string blocked;  // a reason holding on every host; empty when judged host by host
  std::string blocked_description;
  int32_t hosts_total = 0;
  int32_t hosts_fit = 0;
  std::vector<HostReasonCountView> host_reasons;
  std::string summary;
  MemoryKb memory_reservation_kb = 0;
};

struct WhyView {
  std::string job_id;
  std::string job_name;
  std::string summary;
  std::vector<LayerWhyView> layers;
};

}  // namespace cue::core

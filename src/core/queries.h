// The shapes of searches and reports that cross the wire: OpenCue's search criteria (jobs,
// frames, hosts, procs) and what an rqd reports about its host and running frames. Plain
// values, shared by the store (which runs the searches), cuebot and cue_wire (which
// builds them from protobuf messages). Units: cores in core units, memory in KB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace cue::core {

// Search criteria for jobs, as OpenCue's JobSearchCriteria. Empty lists match all;
// several lists must all match. Only PENDING jobs unless include_finished.
struct JobSearch {
  std::vector<std::string> ids;
  std::vector<std::string> names;  // exact full names
  std::vector<std::string> regexes;
  std::vector<std::string> shows;
  std::vector<std::string> shots;
  std::vector<std::string> users;
  bool include_finished = false;
  int32_t limit = 0;  // 0 = no limit
};

// Search criteria for frames of one job, as OpenCue's FrameSearchCriteria.
struct FrameSearch {
  std::string job_id;               // required unless ids is set
  std::vector<std::string> ids;     // specific frames
  std::vector<std::string> layers;  // layer names
  std::vector<core::FrameState> states;
  std::optional<std::pair<int32_t, int32_t>> number_range;  // inclusive frame numbers
  EpochSec updated_since = 0;  // only frames changed at or after this time; 0 = all
  std::vector<std::string> names;  // frame names, "0001-render"
  // Peak RSS (KB) and run time (seconds; a running frame's so far, at `now`) ranges,
  // inclusive; a max of -1 = no upper bound.
  std::optional<std::pair<MemoryKb, MemoryKb>> max_rss_range;
  std::optional<std::pair<int64_t, int64_t>> duration_range;
  EpochSec now = 0;    // for duration_range
  int32_t offset = 0;  // frames skipped before the first page
  int32_t page = 1;                                         // 1-based
  int32_t limit = 0;                                        // frames per page, 0 = all
};

struct HostSearch {
  std::vector<std::string> ids;
  std::vector<std::string> names;
  std::vector<std::string> allocs;  // allocation names
  std::vector<core::HardwareState> states;
  std::vector<std::string> substrs;  // the name holds one of them
  std::vector<std::string> regexes;  // the name matches one of them (ECMAScript)
  std::vector<core::LockState> lock_states;
};

struct ProcSearch {
  std::vector<std::string> ids;
  std::vector<std::string> host_ids;
  std::vector<std::string> job_ids;
  std::vector<std::string> frame_ids;
};

// What a booting or reporting rqd says about its host. Resources in core units / KB.
struct HostReportData {
  std::string name;
  std::string facility;
  std::string rqd_address;
  // The host lists frames whose completion is not yet acknowledged (Cue's rqd says so with
  // attributes["cue_completions_listed"]; OpenCue's Python RQD does not): a frame missing
  // from its reports neither runs nor has a completion on the way.
  bool lists_pending_completions = false;
  std::vector<std::string> tags;  // tags the rqd reports (hardware tags)
  CoreUnits cores = 0;            // bookable cores
  MemoryKb total_memory = 0, free_memory = 0, total_swap = 0, free_swap = 0;
  MemoryKb total_mcp = 0, free_mcp = 0;
  int32_t gpus = 0;
  MemoryKb total_gpu_memory = 0, free_gpu_memory = 0;
  int32_t load = 0;
  EpochSec boot_time = 0;
  std::string os;
  bool nimby_locked = false;
  int32_t slots = 0;  // concurrent frame slots, 0 = no cap
  EpochSec now = 0;  // ping time
};

// A running frame's resource use from a host report.
struct ProcUsage {
  std::string proc_id;
  std::string frame_id;
  MemoryKb rss = 0, max_rss = 0, pss = 0, max_pss = 0, vsize = 0;
  MemoryKb gpu_memory = 0, max_gpu_memory = 0;  // GPU memory in use now and its peak
  int64_t llu_time = 0;
};

}  // namespace cue::core

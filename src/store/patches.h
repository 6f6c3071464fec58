// Partial updates of settings (OpenCue's SetX calls): each field that is set is stored,
// the others keep their value. The store checks only what it must to stay consistent
// (names, references); the rules on values are the application's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::store {

struct JobPatch {
  std::optional<int32_t> max_retries;
  std::optional<int32_t> min_gpus;
  std::optional<int32_t> max_gpus;
  std::optional<bool> auto_eat;
  std::optional<std::string> email;
};

struct LayerPatch {
  std::optional<core::CoreUnits> min_cores;
  std::optional<core::CoreUnits> max_cores;
  std::optional<bool> threadable;
  std::optional<bool> memory_optimizer;
  std::optional<core::MemoryKb> min_memory;
  std::optional<core::MemoryKb> min_gpu_memory;
  std::optional<int32_t> min_gpus;
  std::optional<int32_t> max_gpus;
  std::optional<int32_t> timeout_min;
  std::optional<int32_t> timeout_llu_min;
  std::optional<int32_t> dispatch_order;
  std::optional<std::vector<std::string>> outputs;
  std::optional<core::EpochSec> start_after;
  std::optional<std::string> start_after_reason;
};

struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::string> parent_id;
  std::optional<std::string> department;
  std::optional<int32_t> default_job_priority;
  std::optional<core::CoreUnits> default_job_min_cores;
  std::optional<core::CoreUnits> default_job_max_cores;
  std::optional<int32_t> default_job_min_gpus;
  std::optional<int32_t> default_job_max_gpus;
  std::optional<int32_t> min_gpus;
  std::optional<int32_t> max_gpus;
};

struct ShowPatch {
  std::optional<std::string> comment_email;
  std::optional<int32_t> default_min_gpus;
  std::optional<int32_t> default_max_gpus;
  std::optional<bool> scheduler_managed;
};

struct HostPatch {
  std::optional<std::string> alloc_id;  // also swaps the allocation's tag in the host's tags
  std::optional<std::string> os;
};

struct AllocationPatch {
  std::optional<std::string> name;  // full name, "<facility>.<name>"
  std::optional<std::string> tag;
  std::optional<bool> billable;
};

// A frame's custom display for one state (CueGUI's FrameStateDisplayOverride).
struct FrameDisplayOverride {
  int32_t state = 0;  // OpenCue FrameState number
  std::string text;
  int32_t red = 0, green = 0, blue = 0;
};

}  // namespace cue::store

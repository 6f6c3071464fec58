// Operations on jobs, layers and frames that carry rules beyond one store call (OpenCue's
// JobInterface, LayerInterface and FrameInterface): new depends, dispatch order edits,
// markAsWaiting / markAsDepend, markDone, shutdownIfCompleted, comments. Each commits its
// change to the store, then the model re-reads what changed and hosts are offered work.
//
// Errors: NOT_FOUND for an unknown job, layer or frame; INVALID_ARGUMENT for a malformed
// frame range or a depend of an entity on itself or on what contains it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/depend_rules.h"
#include "core/frame_order.h"
#include "core/types.h"
#include "cuebot/farm.h"

namespace cue::cuebot::app {

// The entity `id` of level `kind` with the ids of what contains it.
absl::StatusOr<core::DependEntityRef> resolve(store::Store& store, core::DependEntity kind,
                                              const std::string& id);

// A depend of `waiter` on `on` (JOB_ON_JOB ... FRAME_ON_FRAME by their levels), INTERNAL
// within one job, EXTERNAL across jobs. Returns it.
absl::StatusOr<core::Depend> createDepend(Farm& farm, const core::DependEntityRef& waiter,
                                          const core::DependEntityRef& on);
// Frame-by-frame: each frame of `layer_id` waits on the frame of `on_layer_id` holding the
// same number (Cue stores one FRAME_ON_FRAME per pair). Returns how many were made.
absl::StatusOr<int> createFrameByFrame(Farm& farm, const std::string& layer_id,
                                       const std::string& on_layer_id);

// Dispatch order of the frames numbered in `range` in each layer of the job (or only in
// `layer_id` when not empty).
absl::Status reorderFrames(Farm& farm, const std::string& job_id, const std::string& layer_id,
                           const std::string& range, core::FrameOrder order);
absl::Status staggerFrames(Farm& farm, const std::string& job_id, const std::string& layer_id,
                           const std::string& range, int32_t stagger);

// Frames in DEPEND run without waiting for their depends (which stay listed).
absl::Status markFramesWaiting(Farm& farm, const std::vector<std::string>& frame_ids);
// A WAITING frame waits again on the depends that hold it.
absl::Status markFrameDepend(Farm& farm, const std::string& frame_id);
// Satisfies every active depend waiting on these frames, on the layer or on the job
// (OpenCue's markDoneFrames / satisfyWhatDependsOn): what waited on them may run.
absl::Status satisfyWhatDependsOn(Farm& farm, core::DependEntity kind,
                                  const std::vector<std::string>& ids);
// Finishes the job when no frame is left to run; OK and nothing happens otherwise.
absl::Status shutdownIfCompleted(Farm& farm, const std::string& job_id);

// A render partition (OpenCue's local booking) of a job, layer or frame on the host named
// `host`; the partition with the names OpenCue's message carries.
struct PartitionRequest {
  std::string job_id, layer_id, frame_id;  // the widest given level is the partition's
  std::string host;                        // host name
  int32_t threads = 1;
  int32_t max_cores = 0;  // whole cores
  core::MemoryKb max_memory = 0, max_gpu_memory = 0;
  int32_t max_gpus = 0;
};
struct PartitionWithNames {
  core::RenderPartition partition;
  std::string job, layer, frame, host;
};
absl::StatusOr<PartitionWithNames> addRenderPartition(Farm& farm, const PartitionRequest& request);

}  // namespace cue::cuebot::app

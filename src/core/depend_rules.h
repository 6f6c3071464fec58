// Depend rules: when a depend is satisfied, which events concern it, and which depends a
// job, layer or frame shows on either side. Pure functions over core::Depend; the store
// persists what they decide (counts, states, the active flag) and never decides itself.
//
// OpenCue's behaviour, which these follow (DependManagerService, DependDaoJdbc,
// JobManagerSupport.satisfyWhatDependsOn):
//   1. A depend is satisfied when every frame on its depend-on side is done (SUCCEEDED,
//      or EATEN: OpenCue's default satisfies on eaten frames too), or when the job it
//      waits on is over (FINISHED: every frame done, or killed).
//   2. LAYER_ON_LAYER with any_frame is satisfied by the first frame of the depend-on
//      layer that is done.
//   3. A frame that becomes done can only concern depends on its job whose depend-on
//      side is that frame, its layer (whole layer) or its job (whole job).
//
// Thread-safety: stateless; call from any thread.
#pragma once

#include <string>

#include "core/types.h"

namespace cue::core {

// The level of an entity that depends are listed or dropped for.
enum class DependEntity { kJob, kLayer, kFrame };

// An entity with the ids of what contains it: a job (job_id), a layer (job_id, layer_id)
// or a frame (all three).
struct DependEntityRef {
  DependEntity kind = DependEntity::kJob;
  std::string job_id;
  std::string layer_id;
  std::string frame_id;
};

// Where the depend-on side of a depend stands, read from the store.
struct DependProgress {
  JobState on_job_state = JobState::kPending;  // the job waited on
  int32_t on_frames_done = 0;  // frames of the depend-on side that are done (isDone)
  int32_t on_frames_open = 0;  // frames of the depend-on side that are not
};

// Rules 1 and 2: whether `d`'s waiting side may run, given its depend-on side. Ignores
// d.active (the caller decides what to do with an already satisfied depend).
bool isDependSatisfied(const Depend& d, const DependProgress& progress);

// Rule 3: whether frame `frame_id` of layer `layer_id` of job `job_id` becoming done can
// satisfy `d` (d's depend-on side covers that frame).
bool dependWatchesFrame(const Depend& d, const std::string& job_id, const std::string& layer_id,
                        const std::string& frame_id);

// True when `d` is one of the depends that `what` waits on (GetWhatThisDependsOn, and what
// DropDepends satisfies): a job waits on every depend whose waiting side is in the job; a
// layer on every depend whose waiting side is the layer or one of its frames (Cue stores
// FRAME_BY_FRAME and PREVIOUS_FRAME as one FRAME_ON_FRAME per frame, which OpenCue lists
// and drops through their parent layer depend); a frame on those whose waiting side is
// that frame itself (a layer or job depend holding it is dropped on the layer or job, as
// in OpenCue: dropping it for one frame would release its siblings too).
bool isDependOfWaiter(const Depend& d, const DependEntityRef& what);

// True when `d` waits on `what` (GetWhatDependsOnThis): on a job, every depend whose
// depend-on side is in the job; on a layer, every depend whose depend-on side is the layer
// or one of its frames; on a frame, those on that frame, and any-frame LAYER_ON_LAYER
// depends on its layer (which that frame alone can satisfy, as in OpenCue).
bool isDependOnTarget(const Depend& d, const DependEntityRef& what);

// DropDepends' target filter: ANY_TARGET matches every depend, INTERNAL and EXTERNAL those
// stored with that target.
bool matchesTarget(const Depend& d, DependTarget target);

}  // namespace cue::core

#include "core/depend_rules.h"

namespace cue::core {

bool isDependSatisfied(const Depend& d, const DependProgress& p) {
  if (p.on_job_state == JobState::kFinished) return true;
  if (d.type == DependType::kLayerOnLayer && d.any_frame) return p.on_frames_done > 0;
  return p.on_frames_open == 0;
}

bool dependWatchesFrame(const Depend& d, const std::string& job_id, const std::string& layer_id,
                        const std::string& frame_id) {
  if (d.on_job_id != job_id) return false;
  if (!d.on_frame_id.empty()) return d.on_frame_id == frame_id;
  return d.on_layer_id.empty() || d.on_layer_id == layer_id;
}

bool isDependOfWaiter(const Depend& d, const DependEntityRef& what) {
  switch (what.kind) {
    case DependEntity::kJob:
      return d.er_job_id == what.job_id;
    case DependEntity::kLayer:
      return d.er_job_id == what.job_id && d.er_layer_id == what.layer_id;
    case DependEntity::kFrame:
      return d.er_job_id == what.job_id && d.er_frame_id == what.frame_id;
  }
  return false;
}

bool isDependOnTarget(const Depend& d, const DependEntityRef& what) {
  switch (what.kind) {
    case DependEntity::kJob:
      return d.on_job_id == what.job_id;
    case DependEntity::kLayer:
      return d.on_job_id == what.job_id && d.on_layer_id == what.layer_id;
    case DependEntity::kFrame:
      if (d.on_job_id != what.job_id) return false;
      if (!d.on_frame_id.empty()) return d.on_frame_id == what.frame_id;
      return d.type == DependType::kLayerOnLayer && d.any_frame && d.on_layer_id == what.layer_id;
  }
  return false;
}

bool matchesTarget(const Depend& d, DependTarget target) {
  return target == DependTarget::kAnyTarget || d.target == target;
}

}  // namespace cue::core

#include "cuebot/app/proc_ops.h"

#include "common/logging.h"
#include "common/status.h"

namespace cue::cuebot::app {

absl::Status unbookProcs(Farm& farm, const std::vector<core::Proc>& procs, bool kill,
                         const std::string& reason) {
  std::vector<std::string> frames;
  for (const auto& p : procs) {
    RETURN_IF_ERROR(farm.store().setProcUnbooked(p.id));
    frames.push_back(p.frame_id);
  }
  common::logger("cuebot")->info("{} procs unbooked{}", procs.size(), kill ? ", frames killed" : "");
  if (kill && !frames.empty()) return farm.killFrames(frames, reason);
  return absl::OkStatus();
}

absl::Status redirectProcs(Farm& farm, const std::vector<core::Proc>& procs,
                           const std::string& job_id, const std::string& group_id, bool kill) {
  if (!job_id.empty()) {
    ASSIGN_OR_RETURN(auto job, farm.store().getJob(job_id));
    if (job.state != core::JobState::kPending)
      return absl::FailedPreconditionError(
          absl::StrCat("job ", job.name, " is finished: procs cannot be redirected to it"));
  } else {
    RETURN_IF_ERROR(farm.store().getGroup(group_id).status());
  }
  for (const auto& p : procs) RETURN_IF_ERROR(farm.store().setProcRedirect(p.id, job_id, group_id));
  return unbookProcs(farm, procs, kill, "proc redirected");
}

absl::Status clearRedirect(Farm& farm, const std::string& proc_id) {
  return farm.store().setProcRedirect(proc_id, "", "");
}

}  // namespace cue::cuebot::app

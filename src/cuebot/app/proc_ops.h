// Operations on procs (a host's cores booked for one frame; OpenCue's ProcInterface and
// the proc calls of HostInterface): unbook, redirect, kill. An unbooked proc is given
// back when its frame ends; with kill its frame is killed now and requeued (the kill is
// not counted as a failure). A redirect records where the host should book next; the
// planner does not read it yet.
//
// Errors: NOT_FOUND for an unknown proc, job or group.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/types.h"
#include "cuebot/farm.h"

namespace cue::cuebot::app {

absl::Status unbookProcs(Farm& farm, const std::vector<core::Proc>& procs, bool kill,
                         const std::string& reason);
// job_id or group_id names the target (the other empty).
absl::Status redirectProcs(Farm& farm, const std::vector<core::Proc>& procs,
                           const std::string& job_id, const std::string& group_id, bool kill);
absl::Status clearRedirect(Farm& farm, const std::string& proc_id);

}  // namespace cue::cuebot::app

// What rqd reports, as cuebot takes it: a frame's completion (report.FrameCompleteReport)
// as the store takes it, a status report's running frames as Farm::onStatus takes them.
// For cuebot's report services and the farm simulator's in-process cuebot.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "cuebot/farm.h"
#include "report.pb.h"
#include "store/store.h"

namespace cue::cuebot {

// INVALID_ARGUMENT when the report names no frame or proc.
absl::StatusOr<store::FrameCompletion> toCompletion(const report::FrameCompleteReport& c,
                                                    int64_t now);

// A status report's running frames, with their usage.
std::vector<RunningFrameReport> toRunningFrames(const report::HostReport& h);

}  // namespace cue::cuebot

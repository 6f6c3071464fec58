// A frame's completion as rqd reports it (report.FrameCompleteReport), as the store takes
// it: for cuebot's report services and the farm simulator's in-process cuebot.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "report.pb.h"
#include "store/store.h"

namespace cue::cuebot {

// INVALID_ARGUMENT when the report names no frame or proc.
absl::StatusOr<store::FrameCompletion> toCompletion(const report::FrameCompleteReport& c,
                                                    int64_t now);

}  // namespace cue::cuebot

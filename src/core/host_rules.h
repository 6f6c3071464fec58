// What a host's report does to its hardware state (OpenCue's HostReportHandler rule).
#pragma once

#include "core/types.h"

namespace cue::core {

// The state a host is in once it reports (a boot or a status report): UP, unless an admin
// put it in REPAIR, which only an admin clears (SetHardwareState, cueadmin -fixed).
constexpr HardwareState stateOnReport(HardwareState current) {
  return current == HardwareState::kRepair ? HardwareState::kRepair : HardwareState::kUp;
}

}  // namespace cue::core

// Process-wide settings every Cue daemon (cuebot, rqd) applies first thing in main().
#pragma once

namespace cue::common {

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without NDEBUG, which
// leaves the detection on: every absl::Mutex lock (gRPC takes many per call) then updates
// a process-wide lock graph under a global lock. Cue's own code uses std::mutex; the
// detection is a debugging aid, not a safety net, and costs daemons CPU on every RPC.
void disableAbslDeadlockDetection();

}  // namespace cue::common

// Process-wide settings every Cue daemon (cuebot, rqd) applies first thing in main(), and
// the names of its threads.
#pragma once

namespace cue::common {

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without NDEBUG, which
// leaves the detection on: every absl::Mutex lock (gRPC takes many per call) then updates
// a process-wide lock graph under a global lock. Cue's own code uses std::mutex; the
// detection is a debugging aid, not a safety net, and costs daemons CPU on every RPC.
void disableAbslDeadlockDetection();

// Names the calling thread as `top -H`, `ps -L` and perf show it (at most 15 characters;
// longer names are cut).
void nameThisThread(const char* name);

}  // namespace cue::common

// Process-wide settings every Cue daemon (cuebot, rqd) applies first thing in main(), and
// the names of its threads.
#pragma once

#include <cstddef>

namespace cue::common {

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without NDEBUG, which
// leaves the detection on: every absl::Mutex lock (gRPC takes many per call) then updates
// a process-wide lock graph under a global lock. Cue's own code uses std::mutex; the
// detection is a debugging aid, not a safety net, and costs daemons CPU on every RPC.
void disableAbslDeadlockDetection();

// Asks the kernel to back [data, data + bytes) with transparent huge pages
// (madvise(MADV_HUGEPAGE) on the 2 MB pages inside it), before it is first touched: an
// array of hundreds of megabytes (a million-frame job's frames) then faults in 2 MB at a
// time instead of 4 KB, which was a quarter of that submission's time. Small ranges, and
// kernels without transparent huge pages, are left as they are.
void adviseHugePages(void* data, size_t bytes);

// Names the calling thread as `top -H`, `ps -L` and perf show it (at most 15 characters;
// longer names are cut).
void nameThisThread(const char* name);

}  // namespace cue::common

// Process-wide settings every Cue daemon (cuebot, rqd) applies first thing in main(), and
// the names of its threads.
#pragma once

namespace cue::common {

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without NDEBUG, which
// leaves the detection on: every absl::Mutex lock (gRPC takes many per call) then updates
// a process-wide lock graph under a global lock. Cue's own code uses std::mutex; the
// detection is a debugging aid, not a safety net, and costs daemons CPU on every RPC.
void disableAbslDeadlockDetection();

// Has glibc back the heap with transparent huge pages (its tunable glibc.malloc.hugetlb=1,
// madvise(MADV_HUGEPAGE) on the memory it takes from the kernel), for a daemon whose heap
// grows by hundreds of megabytes at once: cuebot taking a million-frame job faults its
// frames in 2 MB at a time instead of 4 KB, which was a quarter of that submission's
// time. glibc reads tunables when a process starts, so this re-executes the process
// (/proc/self/exe, the same argv) once with GLIBC_TUNABLES set; call it first in main().
// It does nothing when GLIBC_TUNABLES is already set (an administrator's own tunables win,
// and the re-executed process sees it set) or the re-execution fails.
void useHugePageHeap(char** argv);

// Names the calling thread as `top -H`, `ps -L` and perf show it (at most 15 characters;
// longer names are cut).
void nameThisThread(const char* name);

}  // namespace cue::common

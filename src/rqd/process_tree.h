// A frame's process tree: which processes belong to a frame, what they use, and how to
// signal all of them.
//
// A frame's shell runs as the leader of its own session and process group (setsid), so
// its pid is also its session id and process group id. A process belongs to the frame when
//   1. it is the shell, or
//   2. its session or process group is the shell's pid (covers orphans re-parented to init
//      that kept the session), or
//   3. it was seen in the frame before (pid + start time, so a recycled pid is not mistaken
//      for it; covers children that called setsid and then lost their parent), or
//   4. its parent belongs to the frame (applied until nothing is added).
// A process that escapes into a new session *and* is orphaned before any sample saw it is
// not found; catching those would need cgroups.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"
#include "rqd/proc_parse.h"

namespace cue::rqd {

// Every process on the machine at one moment, by pid.
using ProcessTable = std::unordered_map<int, ProcStat>;

// Identifies one process over time (pids are recycled, start times are not).
struct ProcKey {
  int pid = 0;
  uint64_t starttime = 0;
  bool operator<(const ProcKey& o) const {
    return pid != o.pid ? pid < o.pid : starttime < o.starttime;
  }
};

// Reads every <proc_root>/<pid>/stat. Processes that vanish mid-scan are skipped.
ProcessTable scanProcesses(const std::string& proc_root);

// The frame's processes (see the file comment) in `table`, sorted by pid. `root` is the
// frame's shell (it may have exited already; starttime 0 = unknown). When a process with
// the root's pid but another start time exists, the pid was recycled and rules 1-2 are
// skipped. Never returns pid <= 1 or rqd's own pid.
std::vector<int> frameProcesses(const ProcessTable& table, ProcKey root,
                                const std::set<ProcKey>& known);

// Reads a process's PSS in KB; nullopt when unreadable (permissions, process gone).
using PssReader = std::function<std::optional<int64_t>(int pid)>;

// A PssReader over <proc_root>/<pid>/smaps_rollup.
PssReader smapsPssReader(const std::string& proc_root);

// Sums the memory of `pids` in `table`. KB. PSS falls back to RSS per process when `pss`
// cannot read it. cpu_seconds sums utime + stime + cutime + cstime.
struct TreeUsage {
  MemoryKb rss = 0;
  MemoryKb pss = 0;
  MemoryKb vsize = 0;
  double cpu_seconds = 0;
  int num_processes = 0;
};
TreeUsage sumUsage(const ProcessTable& table, const std::vector<int>& pids, const PssReader& pss);

// Bytes the processes read and wrote (rchar + wchar of /proc/<pid>/io, which counts every
// read and write, cached or not); unreadable entries count 0.
int64_t ioBytes(const std::string& proc_root, const std::vector<int>& pids);

// Sends `sig` to every pid (kill(2)); returns how many were signalled. ESRCH is ignored.
int signalProcesses(const std::vector<int>& pids, int sig);

// True when `pid` no longer runs: no /proc entry, or a zombie.
bool processGone(const std::string& proc_root, int pid);

}  // namespace cue::rqd

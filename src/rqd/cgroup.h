// A cgroup per frame, so that a frame's memory is capped and counted by the kernel, its
// processes cannot escape (double forks included), and its CPU time and peak memory are
// exact. Two layouts:
//   v2: <root>/cgroup.controllers lists "memory": <root>/<parent>/frame-<id>/ with memory.max
//       (and memory.swap.max 0), memory.peak (kernels >= 5.19; else the current use),
//       memory.events (oom_kill),
//       cpu.stat (usage_usec), cgroup.procs, cgroup.kill;
//   v1: <root>/memory and <root>/cpuacct hierarchies: <root>/memory/<parent>/frame-<id>/ with
//       memory.limit_in_bytes, memory.max_usage_in_bytes, memory.oom_control (oom_kill),
//       and <root>/cpuacct/<parent>/frame-<id>/cpuacct.usage; cgroup.procs in each.
// The root is a setting (rqd --cgroup-root), so both layouts are tested on fake trees.
// Hosts with neither keep process-tree tracking (mode kNone, with the reason). Cgroups is
// thread-safe; a FrameCgroup only reads its files (and removes them when destroyed), so the
// sampler and the frame's own thread may share it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

enum class CgroupMode { kNone, kV1, kV2 };
const char* toString(CgroupMode mode);

struct CgroupConfig {
  std::string root = "/sys/fs/cgroup";
  std::string parent = "cue-rqd";  // rqd's own cgroup under each hierarchy
  bool enabled = true;             // false: process trees only (rqd --no-cgroups)
};

class FrameCgroup {
 public:
  FrameCgroup(CgroupMode mode, std::vector<std::string> dirs);
  ~FrameCgroup();  // removes the cgroup directories (once empty)

  // The cgroup.procs files a process writes "0" to, to join (the launcher's child does).
  std::vector<std::string> procsFiles() const;
  // Processes in the frame's cgroup now.
  std::vector<int> pids() const;
  // True when the cgroup holds no process, from one hierarchy's list: every process of the
  // frame joins them all before it runs, and only root moves one out. False when unreadable.
  bool empty() const;
  MemoryKb memoryCurrent() const;
  // Peak memory as the kernel keeps it (v1 max_usage, v2 memory.peak), at least the current.
  MemoryKb memoryPeak() const;
  double cpuSeconds() const;
  // Times the kernel's OOM killer acted in the cgroup since it was made.
  int oomKills() const;

 private:
  CgroupMode mode_;
  std::vector<std::string> dirs_;  // v2: one; v1: memory, cpuacct
};

class Cgroups {
 public:
  // Finds the layout under config.root and makes rqd's parent cgroup(s); removes frame
  // cgroups an earlier rqd left empty.
  static Cgroups open(const CgroupConfig& config);
  CgroupMode mode() const { return mode_; }
  // Why mode is kNone; where the cgroups are otherwise (for rqd's start-up line).
  const std::string& description() const { return description_; }
  // A new cgroup "frame-<name>-<n>" for a frame (n unique in this rqd), capped at
  // `limit_kb` (0 = no cap) without swap. `name` must be a plain file name.
  absl::StatusOr<std::unique_ptr<FrameCgroup>> createFrame(const std::string& name,
                                                           MemoryKb limit_kb) const;

 private:
  CgroupMode mode_ = CgroupMode::kNone;
  std::string description_;
  std::vector<std::string> parents_;  // v2: one; v1: memory, cpuacct
  // The file that caps swap in a frame's memory cgroup ("/memory.swap.max" or
  // "/memory.memsw.limit_in_bytes"); empty where the kernel accounts no swap.
  std::string swap_file_;
};

}  // namespace cue::rqd

// Plain value types rqd's pieces exchange. Protobuf stays at the edges (rqd_service.cpp,
// reporter.cpp, wire/rqd_convert.cpp); everything else works on these structs.
//
// Units follow OpenCue's wire: cores in core units (100 = one core), memory in KB, times in
// seconds since the epoch unless a field says otherwise. Not thread-safe: copy them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::rqd {

using core::CoreUnits;
using core::EpochSec;
using core::MemoryKb;

// Exit codes rqd reports in FrameCompleteReport.exit_status (OpenCue's numbers).
inline constexpr int kExitFailedLaunch = core::kExitFailedLaunch;  // 256: never started
// Cuebot's Dispatcher.EXIT_STATUS_MEMORY_FAILURE: the frame was killed for using more memory
// than it may; cuebot raises the layer's memory and retries it. rqd reports it in both
// exit_status and exit_signal (cuebot checks either), as OpenCue's RQD does for OOM kills.
inline constexpr int kExitMemoryFailure = 33;
// Cue's own (core/types.h): killed for running longer than its layer's timeout (RunFrame
// attribute kAttrTimeoutSeconds), killed as hung: no progress (log written, CPU used, bytes
// read or written) for the layer's timeout_llu (kAttrHungSeconds), and stopped by NIMBY
// (cuebot requeues it without using a retry). The frame's log says which.
inline constexpr int kExitTimeout = core::kExitTimeout;
inline constexpr int kExitHung = core::kExitHung;
inline constexpr int kExitNimby = core::kExitNimby;
inline constexpr const char* kAttrTimeoutSeconds = "cue_timeout_s";
inline constexpr const char* kAttrHungSeconds = "cue_timeout_llu_s";

// One frame to run: the fields of rqd.RunFrame.
struct FrameSpec {
  std::string resource_id;  // the proc id cuebot booked
  std::string job_id;
  std::string job_name;
  std::string frame_id;
  std::string frame_name;  // "<number>-<layer>", e.g. "0001-render"
  std::string layer_id;
  std::string command;  // run with /bin/sh -c
  std::string user_name;
  std::string log_dir;
  std::string show;
  std::string shot;
  std::string job_temp_dir;
  std::string frame_temp_dir;
  std::string log_file;      // rqd sets "<job>.<frame>.rqlog"
  std::string log_dir_file;  // rqd sets the full path it actually writes
  std::string os;
  std::string loki_url;    // not supported: rqd always writes a file
  int64_t start_time = 0;  // as cuebot sent it (milliseconds since the epoch)
  int32_t uid = -1;        // the job user's uid; 0 is refused; < 0 = unknown
  int32_t gid = -1;        // < 1 = the user's primary group
  CoreUnits num_cores = 0;
  int32_t num_gpus = 0;
  bool ignore_nimby = false;
  MemoryKb soft_memory_limit = 0;                  // KB, 0 = none (recorded only)
  MemoryKb hard_memory_limit = 0;                  // KB, 0 = none; RSS above it kills the frame
  std::map<std::string, std::string> environment;  // job + layer env, merged by cuebot
  std::map<std::string, std::string> attributes;   // rqd adds CPU_LIST when it pins
  int32_t pid = 0;                                 // filled in by rqd once the frame's shell runs
};

// Resource use of a frame's whole process tree. Memory in KB.
struct FrameUsage {
  MemoryKb rss = 0;
  MemoryKb max_rss = 0;
  MemoryKb pss = 0;  // proportional set size; equals rss when smaps_rollup is unreadable
  MemoryKb max_pss = 0;
  MemoryKb vsize = 0;
  MemoryKb max_vsize = 0;
  double cpu_seconds = 0;  // user + system time of the tree, reaped children included
  double pcpu = 0;         // CPU use over the last sample interval, in percent of one core
  EpochSec llu_time = 0;   // last write to the frame's log (its mtime)
  MemoryKb gpu_mem = 0;      // memory used on the frame's GPUs (they are its own)
  MemoryKb max_gpu_mem = 0;
  int32_t gpu_utilization = 0;  // mean busy percent of the frame's GPUs at the last sample
  int num_processes = 0;
};

// A running frame as reports and RPCs show it.
struct RunningFrameView {
  FrameSpec spec;
  FrameUsage usage;
  EpochSec started_at = 0;  // when rqd forked the frame's shell (0 = not yet)
};

// What rqd tells cuebot when a frame ends (FrameCompleteReport).
struct FrameCompletion {
  FrameSpec spec;
  FrameUsage usage;
  int exit_status = 0;       // the shell's exit code; 1 when a signal ended it; 256 failed launch
  int exit_signal = 0;       // the signal that ended the shell, 0 = none
  int run_time = 0;          // seconds
  std::string kill_message;  // why rqd killed it, empty when it ended by itself
};

// The host's static and dynamic state (report.RenderHost).
struct HostInfo {
  std::string name;
  std::string facility;
  std::vector<std::string> tags;
  std::map<std::string, std::string> attributes;  // rqd_address, rqd_port, SP_OS, ...
  bool nimby_enabled = false;
  bool nimby_locked = false;
  int32_t num_procs = 1;         // CPU sockets
  int32_t cores_per_proc = 100;  // core units per socket
  MemoryKb total_mem = 0;
  MemoryKb free_mem = 0;
  MemoryKb total_swap = 0;
  MemoryKb free_swap = 0;
  MemoryKb total_mcp = 0;  // the temp dir's file system
  MemoryKb free_mcp = 0;
  int32_t load = 0;  // 1-minute load average x 100, per physical core's worth of threads
  int64_t boot_time = 0;
  core::HardwareState state = core::HardwareState::kUp;
  int32_t num_gpus = 0;
  MemoryKb total_gpu_mem = 0;
  MemoryKb free_gpu_mem = 0;
};

// Core accounting in core units (report.CoreDetail).
struct CoreCounts {
  CoreUnits total = 0;
  CoreUnits idle = 0;
  CoreUnits booked = 0;
  CoreUnits locked = 0;
  // Pinned frames: CPU socket -> the physical core ids reserved on it.
  std::map<int64_t, std::vector<int64_t>> reserved;
};

// Everything a status report carries.
struct HostSnapshot {
  HostInfo host;
  CoreCounts cores;
  std::vector<RunningFrameView> frames;
};

}  // namespace cue::rqd

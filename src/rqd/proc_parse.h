// Parsers for the Linux /proc (and /etc) files rqd reads. Each takes the file's text, so
// tests feed fixtures and nothing here touches the file system. Pure functions; thread-safe.
//
// Units: memory in KB (as /proc/meminfo prints it), CPU times in clock ticks (as
// /proc/PID/stat prints them), times since the epoch in seconds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cue::rqd {

// One logical CPU ("processor" block) of /proc/cpuinfo.
struct LogicalCpu {
  int processor = 0;  // the id sched_setaffinity uses
  int socket = 0;     // "physical id"; 0 when absent
  int core = 0;       // "core id"; the processor number when absent
  int node = -1;      // NUMA node (/sys/devices/system/node/nodeN/cpulist); -1 = unknown
};

// The CPU layout of a machine.
struct CpuTopology {
  std::vector<LogicalCpu> cpus;  // in /proc/cpuinfo order
  int sockets = 1;               // distinct physical ids (>= 1)
  int physical_cores = 1;        // distinct (socket, core) pairs (>= 1)
  // Logical CPUs per physical core ("siblings" / "cpu cores"), 1 without hyperthreading.
  int hyperthreading_multiplier = 1;
};

// Parses /proc/cpuinfo. Blocks are separated by blank lines; keys are "processor",
// "physical id", "core id", "siblings", "cpu cores". INVALID_ARGUMENT when no
// "processor" line is found, naming the line that failed to parse when a number is bad.
absl::StatusOr<CpuTopology> parseCpuInfo(absl::string_view text);

// Parses a kernel CPU list ("0-3,8,10-11"). INVALID_ARGUMENT naming the bad part.
absl::StatusOr<std::vector<int>> parseCpuList(absl::string_view text);

// Sets each CPU's NUMA node from the nodes' CPU lists (node number -> cpulist text).
// CPUs no list names keep -1. INVALID_ARGUMENT for an unparsable list.
absl::Status applyNumaNodes(const std::map<int, std::string>& node_cpulists,
                            CpuTopology* topology);

// The /proc/meminfo fields rqd uses, all in KB.
struct MemInfo {
  int64_t total_kb = 0;
  int64_t free_kb = 0;
  int64_t available_kb = -1;  // -1 when the kernel has no MemAvailable line
  int64_t cached_kb = 0;
  int64_t buffers_kb = 0;
  int64_t swap_total_kb = 0;
  int64_t swap_free_kb = 0;

  // Memory a new frame can use: MemAvailable when present, else free + cached + buffers.
  int64_t usableKb() const {
    return available_kb >= 0 ? available_kb : free_kb + cached_kb + buffers_kb;
  }
};

// Parses /proc/meminfo. INVALID_ARGUMENT when MemTotal is missing.
absl::StatusOr<MemInfo> parseMemInfo(absl::string_view text);

// Parses the 1-minute load average of /proc/loadavg ("0.52 0.58 0.59 1/467 12345").
absl::StatusOr<double> parseLoadAvg(absl::string_view text);

// Parses the "btime" line of /proc/stat: boot time, seconds since the epoch.
absl::StatusOr<int64_t> parseBootTime(absl::string_view text);

// A readable OS name from /etc/os-release: PRETTY_NAME, else "ID VERSION_ID", else "Linux".
std::string parseOsRelease(absl::string_view text);

// The fields of /proc/PID/stat rqd uses (see proc(5)).
struct ProcStat {
  int pid = 0;
  std::string comm;  // without the parentheses; may contain spaces and ')'
  char state = '?';  // R, S, D, Z, T, ...
  int ppid = 0;
  int pgrp = 0;
  int session = 0;
  uint64_t utime = 0;      // ticks
  uint64_t stime = 0;      // ticks
  uint64_t cutime = 0;     // ticks of reaped children
  uint64_t cstime = 0;     // ticks of reaped children
  uint64_t starttime = 0;  // ticks after boot; with pid, identifies a process over time
  uint64_t vsize_bytes = 0;
  int64_t rss_pages = 0;
};

// Parses one /proc/PID/stat line. The command name is delimited by the first '(' and the
// last ')', so names with spaces or parentheses parse. INVALID_ARGUMENT when fields lack.
absl::StatusOr<ProcStat> parseProcStat(absl::string_view text);

// The "Pss:" value (KB) of /proc/PID/smaps_rollup (or the sum over /proc/PID/smaps).
// NOT_FOUND when no Pss line exists.
absl::StatusOr<int64_t> parsePssKb(absl::string_view text);

}  // namespace cue::rqd

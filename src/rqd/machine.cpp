#include "rqd/machine.h"

#include <sched.h>
#include <sys/statvfs.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

std::vector<int> ownAffinity() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int i = 0; i < CPU_SETSIZE; ++i) {
    if (CPU_ISSET(i, &set)) cpus.push_back(i);
  }
  return cpus;
}

// Total and available KB of the file system holding `path`; zeros when it cannot be read.
void fileSystemKb(const std::string& path, MemoryKb* total, MemoryKb* free) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) {
    *total = *free = 0;
    return;
  }
  *total = static_cast<MemoryKb>(st.f_blocks) * static_cast<MemoryKb>(st.f_frsize) / 1024;
  *free = static_cast<MemoryKb>(st.f_bavail) * static_cast<MemoryKb>(st.f_frsize) / 1024;
}

// NUMA nodes from sysfs; a host without them (or unreadable lists) keeps node -1.
void readNumaNodes(const std::string& sys_root, CpuTopology* topology) {
  const std::string dir = sys_root + "/devices/system/node";
  absl::StatusOr<std::vector<std::string>> names = listDir(dir);
  if (!names.ok()) return;
  std::map<int, std::string> lists;
  for (const std::string& name : *names) {
    int node = 0;
    if (!absl::StartsWith(name, "node") || !absl::SimpleAtoi(name.substr(4), &node)) continue;
    absl::StatusOr<std::string> list = readFile(absl::StrCat(dir, "/", name, "/cpulist"));
    if (list.ok()) lists[node] = *list;
  }
  if (absl::Status s = applyNumaNodes(lists, topology); !s.ok()) {
    common::logger("rqd")->warn("ignoring NUMA nodes: {}", s.ToString());
    for (LogicalCpu& cpu : topology->cpus) cpu.node = -1;
  }
}

}  // namespace

CoreUnits coreUnitsOf(const CpuTopology& topology) {
  return static_cast<CoreUnits>(topology.physical_cores) * core::kCoreUnitsPerCore;
}

absl::StatusOr<std::unique_ptr<Machine>> Machine::probe(const MachineOptions& options,
                                                        std::unique_ptr<GpuProbe> gpu) {
  MachineStatic s;
  ASSIGN_OR_RETURN(std::string cpuinfo, readFile(options.proc_root + "/cpuinfo"));
  ASSIGN_OR_RETURN(s.topology, parseCpuInfo(cpuinfo));
  readNumaNodes(options.sys_root, &s.topology);
  ASSIGN_OR_RETURN(std::string meminfo_text, readFile(options.proc_root + "/meminfo"));
  ASSIGN_OR_RETURN(MemInfo mem, parseMemInfo(meminfo_text));

  s.allowed_cpus = ownAffinity();
  s.total_cores = coreUnitsOf(s.topology);
  s.num_procs = s.topology.sockets;
  if (options.cores_override > 0) {
    s.total_cores = options.cores_override * core::kCoreUnitsPerCore;
    s.num_procs = 1;
    s.cores_overridden = true;
  }
  s.total_mem = mem.total_kb;
  if (options.memory_mb_override > 0) {
    s.total_mem = options.memory_mb_override * core::kKbPerMb;
    s.memory_overridden = true;
  }
  s.total_swap = mem.swap_total_kb;
  MemoryKb free_mcp = 0;
  fileSystemKb(options.tmp_dir, &s.total_mcp, &free_mcp);

  if (absl::StatusOr<std::string> stat = readFile(options.proc_root + "/stat"); stat.ok()) {
    if (absl::StatusOr<int64_t> btime = parseBootTime(*stat); btime.ok()) s.boot_time = *btime;
  }
  absl::StatusOr<std::string> os_release = readFile(options.os_release_path);
  s.os_release = parseOsRelease(os_release.ok() ? *os_release : "");

  if (gpu == nullptr) gpu = std::make_unique<NoGpuProbe>();
  return std::unique_ptr<Machine>(new Machine(options, std::move(s), std::move(gpu)));
}

MachineDynamic Machine::sample() const {
  constexpr int64_t kMaxAgeMs = 1000;
  MachineDynamic d;
  {
    std::lock_guard<std::mutex> lock(sample_mu_);
    const int64_t now = options_.clock->nowMillis();
    if (!last_ || now - last_at_ms_ >= kMaxAgeMs || now < last_at_ms_) {
      last_ = readProc();
      last_at_ms_ = now;
    }
    d = *last_;
  }
  d.gpus = gpu_->probe();
  return d;
}

MachineDynamic Machine::readProc() const {
  MachineDynamic d;
  if (absl::StatusOr<std::string> text = readFile(options_.proc_root + "/meminfo"); text.ok()) {
    if (absl::StatusOr<MemInfo> mem = parseMemInfo(*text); mem.ok()) {
      d.free_mem = mem->usableKb();
      d.free_swap = mem->swap_free_kb;
    }
  }
  if (absl::StatusOr<std::string> text = readFile(options_.proc_root + "/loadavg"); text.ok()) {
    if (absl::StatusOr<double> load = parseLoadAvg(*text); load.ok()) {
      int multiplier = std::max(1, static_cast<int>(static_.topology.hyperthreading_multiplier));
      d.load = static_cast<int32_t>(*load * 100) / multiplier;
    }
  }
  MemoryKb total_mcp = 0;
  fileSystemKb(options_.tmp_dir, &total_mcp, &d.free_mcp);
  return d;
}

}  // namespace cue::rqd

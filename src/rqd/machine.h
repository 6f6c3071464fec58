// Machine discovery: what this host has (cores, memory, swap, temp space, OS, boot time)
// and how busy it is (free memory, load). Reads /proc through the parsers in proc_parse.h.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "rqd/frame_types.h"
#include "rqd/proc_parse.h"

namespace cue::rqd {

// One GPU. Memory in KB.
struct GpuDevice {
  int32_t index = 0;  // the driver's index (nvidia-smi's "index")
  std::string model;  // e.g. "NVIDIA A100-SXM4-40GB"; may be empty
  MemoryKb total_mem = 0;
  MemoryKb free_mem = 0;
};

// GPUs of the host. Memory in KB. count, total_mem and free_mem are what cuebot gets
// (RenderHost num_gpus, total_gpu_mem, free_gpu_mem); a probe that lists devices keeps
// them equal to the number of devices and the sums of their memory.
struct GpuInfo {
  int32_t count = 0;
  MemoryKb total_mem = 0;
  MemoryKb free_mem = 0;
  std::string driver_version;      // empty when unknown
  std::vector<GpuDevice> devices;  // empty when the probe does not list them
};

// What one GPU is doing at one moment: nvidia-smi's utilization.gpu (percent of the last
// sample period the GPU was busy) and memory.used (KB).
struct GpuUse {
  int32_t index = 0;
  int32_t utilization = 0;
  MemoryKb used_mem = 0;
};

// Seam for GPU discovery (NvidiaSmiProbe in gpu_probe.h; NVML could be another).
// Implementations must be thread-safe and must not block for long: probe() is called on
// every status report. probe() cannot fail: a host whose GPUs cannot be read has none.
class GpuProbe {
 public:
  virtual ~GpuProbe() = default;
  virtual GpuInfo probe() = 0;
  // Each GPU's use now, uncached; empty when unknown. rqd calls it at each sample while
  // frames hold GPUs (a frame's GPUs are its own, so their use is the frame's).
  virtual std::vector<GpuUse> use() { return {}; }
};

// Reports no GPUs. Machine's default when given no probe; rqd's with --no-gpu.
class NoGpuProbe final : public GpuProbe {
 public:
  GpuInfo probe() override { return {}; }
};

struct MachineOptions {
  std::string proc_root = "/proc";  // where cpuinfo, meminfo, ... live
  std::string sys_root = "/sys";    // where devices/system/node/node*/cpulist live (NUMA)
  std::string os_release_path = "/etc/os-release";
  std::string tmp_dir = "/tmp";    // reported as mcp (total/free space of its file system)
  int cores_override = 0;          // whole cores; 0 = detect
  int64_t memory_mb_override = 0;  // 0 = detect
  // What sample()'s once-a-second reading is timed by.
  const common::Clock* clock = &common::SystemClock::instance();
};

// What does not change while rqd runs.
struct MachineStatic {
  CpuTopology topology;
  std::vector<int> allowed_cpus;  // logical CPUs rqd may run on (its own affinity mask)
  CoreUnits total_cores = 100;    // physical cores x 100, or the override
  int32_t num_procs = 1;          // sockets (1 with a core override)
  MemoryKb total_mem = 0;         // KB, or the override
  MemoryKb total_swap = 0;
  MemoryKb total_mcp = 0;
  int64_t boot_time = 0;
  std::string os_release;  // e.g. "Debian GNU/Linux 12 (bookworm)"
  bool cores_overridden = false;
  bool memory_overridden = false;
};

// What a status report samples each time.
struct MachineDynamic {
  MemoryKb free_mem = 0;  // MemAvailable (or free + cached + buffers)
  MemoryKb free_swap = 0;
  MemoryKb free_mcp = 0;
  int32_t load = 0;  // 1-minute load x 100, divided by the hyperthreading multiplier
  GpuInfo gpus;
};

// Immutable after probe(); sample() reads /proc at most once a second. Thread-safe.
class Machine {
 public:
  // Reads cpuinfo, meminfo, stat (btime), os-release and the temp dir's file system.
  // An unreadable or unparsable cpuinfo/meminfo is an error (the host cannot be described);
  // a missing os-release or btime falls back to "Linux" / 0. `gpu` may be null (no GPUs).
  static absl::StatusOr<std::unique_ptr<Machine>> probe(const MachineOptions& options,
                                                        std::unique_ptr<GpuProbe> gpu = nullptr);

  const MachineStatic& statics() const { return static_; }
  const MachineOptions& options() const { return options_; }

  // Free memory, swap, temp space and load (read less than a second ago: a burst of frame
  // ends, each reported with its host, reads /proc once), and GPUs now. Values it cannot
  // read are 0.
  MachineDynamic sample() const;
  // The GPUs' use now (GpuProbe::use); empty without a GPU probe.
  std::vector<GpuUse> gpuUse() const { return gpu_ ? gpu_->use() : std::vector<GpuUse>{}; }

 private:
  Machine(MachineOptions options, MachineStatic statics, std::unique_ptr<GpuProbe> gpu)
      : options_(std::move(options)), static_(std::move(statics)), gpu_(std::move(gpu)) {}

  MachineDynamic readProc() const;

  MachineOptions options_;
  MachineStatic static_;
  std::unique_ptr<GpuProbe> gpu_;
  mutable std::mutex sample_mu_;
  mutable std::optional<MachineDynamic> last_;  // gpus left empty; none read yet
  mutable int64_t last_at_ms_ = 0;              // when last_ was read (options_.clock)
};

// Core units of a topology: physical cores x 100 (hyperthreads are not counted, as OpenCue).
CoreUnits coreUnitsOf(const CpuTopology& topology);

}  // namespace cue::rqd

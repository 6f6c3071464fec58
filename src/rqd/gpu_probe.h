// GPU discovery through NVIDIA's `nvidia-smi`: a pure parser of its CSV output, and a
// GpuProbe that runs it.
//
// rqd asks (one line per GPU, memory in MiB):
//   nvidia-smi --query-gpu=index,name,memory.total,memory.free,driver_version
//              --format=csv,noheader,nounits
//   0, NVIDIA A100-SXM4-40GB, 40960, 40339, 535.104.05
// and reports to cuebot what OpenCue's Python RQD reports from its own nvidia-smi query:
// the GPU count and the total and free GPU memory summed over the GPUs, in KB. Unlike
// OpenCue's RQD (which multiplies MiB by 1048.576), a MiB is 1024 KB here, the KB rqd uses
// for every other memory figure.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rqd/machine.h"

namespace cue::rqd {

// The arguments rqd passes to nvidia-smi (after the program itself).
inline constexpr char kNvidiaSmiQuery[] =
    "--query-gpu=index,name,memory.total,memory.free,driver_version";
inline constexpr char kNvidiaSmiFormat[] = "--format=csv,noheader,nounits";
// What rqd asks while frames hold GPUs, e.g. "0, 87, 10240" (percent busy, MiB used).
inline constexpr char kNvidiaSmiUseQuery[] = "--query-gpu=index,utilization.gpu,memory.used";

// Parses the output of the query above: one GPU per non-blank line, fields
// "index, name, memory.total, memory.free, driver_version" separated by commas, spaces
// around fields ignored. A name containing commas is accepted (the other four fields are
// counted from the ends). Memory is whole MiB (a trailing " MiB" is accepted); "[N/A]" or
// "[Not Supported]" memory counts as 0. Empty or blank text: no GPUs.
// INVALID_ARGUMENT naming the 1-based line and what is wrong with it, e.g.
//   nvidia-smi output line 2: memory.free "lots" is not a whole number of MiB
// Pure; thread-safe.
absl::StatusOr<GpuInfo> parseNvidiaSmiCsv(absl::string_view text);

// Parses the output of kNvidiaSmiUseQuery: "index, utilization.gpu, memory.used" per line
// (a trailing " %" / " MiB" accepted; "[N/A]"/"[Not Supported]" read as 0). Errors as
// parseNvidiaSmiCsv's. Pure; thread-safe.
absl::StatusOr<std::vector<GpuUse>> parseNvidiaSmiUseCsv(absl::string_view text);

struct NvidiaSmiOptions {
  // The program. A path with a '/' is used as is; a bare name is looked up in
  // `search_path`. Default "nvidia-smi".
  std::string program = "nvidia-smi";
  // Directories searched for a bare program name, ':' separated; nullopt = $PATH, read
  // at each run. Default nullopt.
  std::optional<std::string> search_path;
  // How long one run may take, output and exit included; then its process group gets
  // SIGKILL. Default 5 s.
  std::chrono::milliseconds timeout{5000};
  // How long probe() reuses the last result (GPUs, no GPUs, or a failure) before running
  // the program again; 0 = run on every probe(). Default 60 s, as OpenCue's RQD.
  std::chrono::milliseconds refresh{60000};
  // Bytes of output kept; a longer output is cut there (and then fails to parse only if
  // the cut line is malformed). Default 1 MiB.
  size_t max_output = 1 << 20;
};

// Runs nvidia-smi, without a shell: posix_spawn with stdin and stderr on /dev/null,
// stdout into a pipe, in a new process group (killed whole on timeout), with an empty
// signal mask and default dispositions. rqd never waits longer than `timeout` per run;
// a child that does not die even after SIGKILL (stuck in the driver) is reaped by a
// detached thread.
//
// Thread-safety: probe() and query() may be called from any thread; probe() serialises
// runs (a caller may wait for another's run, at most `timeout`).
class NvidiaSmiProbe final : public GpuProbe {
 public:
  explicit NvidiaSmiProbe(NvidiaSmiOptions options = {});

  // The GPUs, from the cache when it is younger than `refresh`. No GPUs when nvidia-smi
  // is not found (logged at info once) or fails (logged as a warning when the failure
  // first happens or changes).
  GpuInfo probe() override;

  // The GPUs' use now: one uncached run of kNvidiaSmiUseQuery. Empty when it fails
  // (logged as a warning when the failure first happens or changes), and for `refresh`
  // after a failure, without running nvidia-smi.
  std::vector<GpuUse> use() override;

  // One run now, uncached. NOT_FOUND: no such program (not on the search path, or the
  // path does not exist). DEADLINE_EXCEEDED: it ran past `timeout` and was killed.
  // UNAVAILABLE: it exited non-zero or died by a signal (message: the exit code and the
  // first line of its output, e.g. nvidia-smi's "couldn't communicate with the NVIDIA
  // driver"). INVALID_ARGUMENT: unparsable output. Another code (from errno, via
  // errnoStatus): it could not be started.
  absl::StatusOr<GpuInfo> query() const;
  absl::StatusOr<std::vector<GpuUse>> queryUse() const;

  const NvidiaSmiOptions& options() const { return options_; }

 private:
  const NvidiaSmiOptions options_;

  std::mutex mu_;  // guards the members below and serialises runs
  std::optional<std::chrono::steady_clock::time_point> last_run_;
  GpuInfo last_;
  std::string last_outcome_;  // what was last logged, so that only changes are logged

  // One run of nvidia-smi with `query` and kNvidiaSmiFormat; its output when it exits 0.
  absl::StatusOr<std::string> run(const char* query) const;

  std::mutex use_mu_;             // serialises use() runs
  std::string last_use_failure_;  // what use() last logged
  std::optional<std::chrono::steady_clock::time_point> last_use_failure_at_;
};

}  // namespace cue::rqd

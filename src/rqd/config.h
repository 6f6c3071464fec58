// rqd's configuration: one struct, every field commented with its default, loaded once in
// main from the environment and then flags (flags win), validated, then passed down by
// const reference. Names follow OpenCue's RQD where it has them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace CLI {
class App;
}

namespace cue::rqd {

inline constexpr int kDefaultCuebotPort = 8443;  // OpenCue's CUEBOT_GRPC_PORT
inline constexpr int kDefaultRqdPort = 8444;     // OpenCue's RQD_GRPC_PORT

struct RqdConfig {
  // Cuebot report endpoints, "host[:port]" each, tried in order on failure. Flag --cuebot
  // (comma or space separated); env CUEBOT_HOSTNAME (as OpenCue's RQD), then CUEBOT_HOSTS.
  // A missing port means cuebot_port. Default "localhost".
  std::vector<std::string> cuebots = {"localhost"};
  // Port used for cuebot entries without one. Env CUEBOT_GRPC_PORT. Default 8443.
  int cuebot_port = kDefaultCuebotPort;
  // Port rqd's gRPC server listens on (all interfaces); 0 picks a free port, which rqd logs
  // and prints as "rqd listening on port N". Env RQD_GRPC_PORT. Default 8444.
  int port = kDefaultRqdPort;
  // The host name reported to cuebot. Env OVERRIDE_HOSTNAME. Default: gethostname().
  std::string hostname;
  // The address cuebot dials to reach this rqd (reported as attributes["rqd_address"] =
  // "<address>:<port>"). Env RQD_ADDRESS. Default: the host name.
  std::string address;
  // Where frame logs go when RunFrame.log_dir is empty or unwritable: <log_root>/<job>/.
  // Default /tmp/rqd/logs.
  std::string log_root = "/tmp/rqd/logs";
  // Directories a RunFrame.log_dir may lie under (besides log_root): a launch naming a log
  // directory elsewhere is refused, so no cuebot can make rqd create files anywhere. Flag
  // --log-roots (comma separated), env RQD_LOG_ROOTS. Default "/shots" (OpenCue's).
  std::vector<std::string> log_roots = {"/shots"};
  // Addresses or names, besides the cuebots, that may send this rqd commands (launch,
  // kill, lock, NIMBY, shutdown, restart, reboot, log reads). Flag --allow-callers (comma
  // separated), env RQD_ALLOW_CALLERS. Default none.
  std::vector<std::string> allow_callers;
  // Frames run in their own cgroup under this root (v2, or v1's memory and cpuacct
  // hierarchies): memory capped at what was booked plus memory_margin_mb, OOM kills reported
  // as memory failures, kills that no process escapes. --cgroup-root; --no-cgroups turns
  // it off (process-tree tracking, as on hosts without cgroups). Defaults /sys/fs/cgroup, on.
  std::string cgroup_root = "/sys/fs/cgroup";
  bool no_cgroups = false;
  int64_t memory_margin_mb = 1024;  // --memory-margin-mb
  // NIMBY for workstations (nimby.h): --nimby turns it on at start (cuebot's NimbyOn/Off
  // change it later); --nimby-idle seconds without keyboard or mouse before frames may run
  // (900, OpenCue's MINIMUM_IDLE); idle time from /proc/interrupts, or --idle-file (a file
  // holding the idle seconds, written by e.g. an xprintidle session script).
  bool nimby = false;
  double nimby_idle_s = 900;
  double nimby_max_load = 50;  // percent of the CPUs busy with work that is not a frame
  std::string idle_file;
  // Facility reported in RenderHost. Env DEFAULT_FACILITY. Default "local".
  std::string facility = "local";
  // Host tags (allocation matching). Env RQD_TAGS. Default {"general"}.
  std::vector<std::string> tags = {"general"};
  // attributes["SP_OS"], the OS name cuebot matches against a job's os. Env SP_OS.
  // Default "Linux" (OpenCue's default).
  std::string os = "Linux";
  // Seconds between status reports (one is also sent at once when a frame starts or ends).
  // Default 10.
  double report_interval_s = 10;
  // Seconds between resource samples of running frames. Default 5.
  double sample_interval_s = 5;
  // Seconds between SIGTERM and SIGKILL when killing a frame's processes. Default 5.
  double kill_grace_s = 5;
  // Added to the niceness frames start with (0-19; what they start inherits it), so that
  // rqd and whoever sits at the host come before them for a CPU. Flag --frame-nice, env
  // RQD_FRAME_NICE. Default: 10 with --nimby (a workstation: OpenCue's RQD runs frames
  // under /bin/nice on desktops), else 0.
  int frame_nice = kFrameNiceDefault;
  static constexpr int kFrameNiceDefault = -1;
  // Deadline of every RPC to cuebot, seconds. Default 10.
  double rpc_timeout_s = 10;
  // Backoff between retries of failed boot reports and completions: starts at
  // retry_initial_s, doubles, capped at retry_max_s. Defaults 1 and 60.
  double retry_initial_s = 1;
  double retry_max_s = 60;
  // Override of the number of cores (whole cores) reported; 0 = the machine's physical
  // cores. Env OVERRIDE_CORES. Default 0.
  int cores = 0;
  // Concurrent frame slots this host offers (layers ask slots_required, CJSL 1.16);
  // reported to cuebot as attributes["slots"]. 0 = no slot cap. Default 0.
  int slots = 0;
  // Override of total memory in MB; free memory is then total minus the frames' RSS, so
  // several fake hosts can share one machine. 0 = /proc/meminfo. Env RQD_MEMORY_MB.
  // Default 0.
  int64_t memory_mb = 0;
  // Directory for state that must survive a restart (unacknowledged completions, running
  // frames). Default /tmp/rqd/spool/<hostname>.
  std::string spool_dir;
  // Flush each unacknowledged completion to disk (fdatasync) before sending it, so that it
  // survives the host crashing in the millisecond between a frame's end and cuebot's
  // acknowledgment. Without it a completion survives rqd being killed or restarted, not a
  // host crash, which the frames running there do not survive either: cuebot reruns them,
  // and the frame that had just ended with them. Flag --spool-sync. Default false.
  bool spool_sync = false;
  // Temp dir: frames' cwd and TMPDIR, and the file system reported as mcp. Default /tmp.
  std::string tmp_dir = "/tmp";
  // Pin frames asking for whole cores to specific CPUs when enough whole cores are idle.
  // Ignored (off) when `cores` overrides the core count. Default true.
  bool pin_cores = true;
  // spdlog level: trace, debug, info, warn, error. Default "info".
  std::string log_level = "info";
  // GPU discovery: the nvidia-smi program rqd runs to list GPUs (a bare name is looked up
  // on PATH; not found = no GPUs). Flag --nvidia-smi. Default "nvidia-smi".
  std::string nvidia_smi = "nvidia-smi";
  // No GPU discovery: report no GPUs (OpenCue's ALLOW_GPU = false). Flag --no-gpu.
  // Default false.
  bool no_gpu = false;
  // Report a load average of 0. For several rqds sharing one machine (tests, the
  // simulator), whose load is the machine's, not theirs: cuebot takes cores away from a
  // host whose load exceeds what it booked there. Flag --no-load. Default false.
  bool no_load = false;
  // Where /proc is (tests point it at fixtures). Default "/proc".
  std::string proc_root = "/proc";
};

// Reads an environment variable; nullopt when unset. Tests pass a map-backed lookup.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnv();

// Registers every flag on `app`, writing into `config`, with defaults shown in --help.
// Environment variables are applied by loadConfig, not by CLI11.
void addFlags(CLI::App& app, RqdConfig& config);

// The result of loadConfig.
struct LoadedConfig {
  RqdConfig config;
  std::string help;  // non-empty when --help was asked: print it and exit 0
};

// Builds the configuration: defaults, then environment, then flags (argv). Fills derived
// defaults (hostname, address, spool_dir) and validates. INVALID_ARGUMENT naming the bad
// flag or value.
absl::StatusOr<LoadedConfig> loadConfig(int argc, const char* const* argv, const EnvLookup& env);

// "host" -> "host:<default_port>"; "host:port" and "[v6]:port" unchanged.
std::string withDefaultPort(const std::string& target, int default_port);

// Splits a comma and/or space separated list, dropping empty items.
std::vector<std::string> splitList(const std::string& text);

}  // namespace cue::rqd

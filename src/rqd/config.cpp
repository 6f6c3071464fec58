#include "rqd/config.h"

#include <unistd.h>

#include <cstdlib>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace cue::rqd {
namespace {

constexpr char kEnvHelp[] =
    "Environment (flags win): CUEBOT_HOSTNAME or CUEBOT_HOSTS (--cuebot), CUEBOT_GRPC_PORT "
    "(--cuebot-port), RQD_GRPC_PORT (--port), OVERRIDE_HOSTNAME (--hostname), RQD_ADDRESS "
    "(--address), DEFAULT_FACILITY (--facility), RQD_TAGS (--tags), SP_OS (--os), "
    "OVERRIDE_CORES (--cores), RQD_MEMORY_MB (--memory-mb), RQD_LOG_ROOT (--log-root), "
    "RQD_SPOOL_DIR (--spool-dir), RQD_FRAME_NICE (--frame-nice).";

std::string machineHostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// Applies one integer environment variable; INVALID_ARGUMENT when it is not a number.
template <typename Int>
absl::Status envInt(const EnvLookup& env, const char* name, Int* out) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return absl::OkStatus();
  if (!absl::SimpleAtoi(*v, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("environment ", name, "=\"", *v, "\" is not a whole number"));
  }
  return absl::OkStatus();
}

void envString(const EnvLookup& env, const char* name, std::string* out) {
  std::optional<std::string> v = env(name);
  if (v && !v->empty()) *out = *v;
}

absl::Status applyEnv(const EnvLookup& env, RqdConfig& c) {
  if (auto v = env("CUEBOT_HOSTNAME"); v && !splitList(*v).empty()) {
    c.cuebots = splitList(*v);
  } else if (auto h = env("CUEBOT_HOSTS"); h && !splitList(*h).empty()) {
    c.cuebots = splitList(*h);
  }
  if (auto v = env("RQD_TAGS"); v && !splitList(*v).empty()) c.tags = splitList(*v);
  RETURN_IF_ERROR(envInt(env, "CUEBOT_GRPC_PORT", &c.cuebot_port));
  RETURN_IF_ERROR(envInt(env, "RQD_GRPC_PORT", &c.port));
  RETURN_IF_ERROR(envInt(env, "OVERRIDE_CORES", &c.cores));
  RETURN_IF_ERROR(envInt(env, "RQD_MEMORY_MB", &c.memory_mb));
  RETURN_IF_ERROR(envInt(env, "RQD_FRAME_NICE", &c.frame_nice));
  envString(env, "OVERRIDE_HOSTNAME", &c.hostname);
  envString(env, "RQD_ADDRESS", &c.address);
  envString(env, "DEFAULT_FACILITY", &c.facility);
  envString(env, "SP_OS", &c.os);
  envString(env, "RQD_LOG_ROOT", &c.log_root);
  if (auto v = env("RQD_ALLOW_CALLERS"); v && !splitList(*v).empty()) c.allow_callers = splitList(*v);
  if (auto v = env("RQD_LOG_ROOTS"); v && !splitList(*v).empty()) c.log_roots = splitList(*v);
  envString(env, "RQD_SPOOL_DIR", &c.spool_dir);
  return absl::OkStatus();
}

absl::Status validate(const RqdConfig& c) {
  auto bad = [](const std::string& what) { return absl::InvalidArgumentError(what); };
  if (c.cuebots.empty()) return bad("--cuebot: no cuebot address given");
  if (c.port < 0 || c.port > 65535) return bad(absl::StrCat("--port ", c.port, ": not 0-65535"));
  if (c.cuebot_port <= 0 || c.cuebot_port > 65535) {
    return bad(absl::StrCat("--cuebot-port ", c.cuebot_port, ": not 1-65535"));
  }
  if (c.cores < 0) return bad(absl::StrCat("--cores ", c.cores, ": must be >= 0"));
  if (c.memory_mb < 0) return bad(absl::StrCat("--memory-mb ", c.memory_mb, ": must be >= 0"));
  if (c.report_interval_s <= 0) return bad("--report-interval must be > 0");
  if (c.sample_interval_s <= 0) return bad("--sample-interval must be > 0");
  if (c.kill_grace_s < 0) return bad("--kill-grace must be >= 0");
  if (c.frame_nice < 0 || c.frame_nice > 19)
    return bad(absl::StrCat("--frame-nice ", c.frame_nice, ": not 0-19"));
  if (c.nimby_max_load < 0 || c.nimby_max_load > 100)
    return bad(absl::StrCat("--nimby-max-load ", c.nimby_max_load, ": not 0-100"));
  if (c.rpc_timeout_s <= 0) return bad("--rpc-timeout must be > 0");
  if (c.retry_initial_s <= 0 || c.retry_max_s < c.retry_initial_s) {
    return bad("--retry-initial must be > 0 and <= --retry-max");
  }
  if (c.hostname.empty()) return bad("--hostname is empty");
  if (c.log_root.empty()) return bad("--log-root is empty");
  if (!c.no_gpu && c.nvidia_smi.empty()) return bad("--nvidia-smi is empty (use --no-gpu)");
  return absl::OkStatus();
}

}  // namespace

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::vector<std::string> splitList(const std::string& text) {
  return absl::StrSplit(text, absl::ByAnyChar(", \t"), absl::SkipEmpty());
}

std::string withDefaultPort(const std::string& target, int default_port) {
  if (target.empty()) return target;
  if (target.front() == '[') {  // "[v6]" or "[v6]:port"
    size_t close = target.find(']');
    if (close != std::string::npos && close + 1 < target.size() && target[close + 1] == ':') {
      return target;
    }
    return absl::StrCat(target, ":", default_port);
  }
  size_t colon = target.rfind(':');
  if (colon != std::string::npos && target.find(':') == colon) return target;
  return absl::StrCat(target, ":", default_port);
}

void addFlags(CLI::App& app, RqdConfig& c) {
  app.add_option("--cuebot", c.cuebots,
                 "Cuebot address(es) HOST[:PORT], comma separated, tried in order")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--cuebot-port", c.cuebot_port, "Port for --cuebot entries without one")
      ->capture_default_str();
  app.add_option("--port", c.port, "gRPC port this rqd listens on; 0 picks a free port")
      ->capture_default_str();
  app.add_option("--hostname", c.hostname,
                 "Host name reported to cuebot (default: this machine's)");
  app.add_option("--address", c.address,
                 "Address cuebot uses to reach this rqd (default: the address its reports come from)");
  app.add_option("--log-root", c.log_root,
                 "Frame log directory used when a frame's log_dir is empty or unwritable")
      ->capture_default_str();
  app.add_option("--log-roots", c.log_roots,
                 "Directories (comma separated) a frame's log_dir may lie under, besides "
                 "--log-root; launches naming another log directory are refused")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--allow-callers", c.allow_callers,
                 "Addresses or host names (comma separated) that may send commands besides "
                 "the cuebots")
      ->delimiter(',');
  app.add_option("--cgroup-root", c.cgroup_root,
                 "Where frames get their cgroups (v2, or v1 memory + cpuacct hierarchies)")
      ->capture_default_str();
  app.add_flag("--no-cgroups", c.no_cgroups,
               "Track frames by process tree only, without cgroups");
  app.add_option("--memory-margin-mb", c.memory_margin_mb,
                 "A frame's memory cap in its cgroup: what was booked plus this many MB")
      ->capture_default_str();
  app.add_flag("--nimby", c.nimby,
               "NIMBY on at start: lock the host and requeue its frames while someone uses it");
  app.add_option("--nimby-idle", c.nimby_idle_s,
                 "Seconds without keyboard or mouse input before a NIMBY host takes frames")
      ->capture_default_str();
  app.add_option("--nimby-max-load", c.nimby_max_load,
                 "NIMBY: percent of the CPUs that processes other than frames may keep busy "
                 "before the host counts as in use (0: never)")
      ->capture_default_str();
  app.add_option("--idle-file", c.idle_file,
                 "Read the user's idle seconds from this file instead of /proc/interrupts");
  app.add_option("--facility", c.facility, "Facility reported to cuebot")->capture_default_str();
  app.add_option("--tags", c.tags, "Host tags, comma separated")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--os", c.os, "OS name reported as attributes[SP_OS]")->capture_default_str();
  app.add_option("--report-interval", c.report_interval_s, "Seconds between status reports")
      ->capture_default_str();
  app.add_option("--sample-interval", c.sample_interval_s,
                 "Seconds between resource samples of running frames")
      ->capture_default_str();
  app.add_option("--kill-grace", c.kill_grace_s, "Seconds between SIGTERM and SIGKILL on kill")
      ->capture_default_str();
  app.add_option("--frame-nice", c.frame_nice,
                 "Added to the niceness of frames, 0-19 (default 10 with --nimby, else 0)");
  app.add_option("--rpc-timeout", c.rpc_timeout_s, "Deadline of each RPC to cuebot, seconds")
      ->capture_default_str();
  app.add_option("--retry-initial", c.retry_initial_s, "First retry delay for reports, seconds")
      ->capture_default_str();
  app.add_option("--retry-max", c.retry_max_s, "Largest retry delay for reports, seconds")
      ->capture_default_str();
  app.add_option("--slots", c.slots, "Concurrent frame slots this host offers (0 = no cap)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--cores", c.cores, "Override the number of cores reported (0 = detect)")
      ->capture_default_str();
  app.add_option("--memory-mb", c.memory_mb, "Override total memory in MB (0 = detect)")
      ->capture_default_str();
  app.add_option("--spool-dir", c.spool_dir,
                 "Directory for persisted state (default /tmp/rqd/spool/<hostname>)");
  app.add_flag("--spool-sync", c.spool_sync,
               "Flush each completion to disk before sending it (survives a host crash)");
  app.add_option("--tmp-dir", c.tmp_dir, "Frames' cwd and TMPDIR; reported as mcp")
      ->capture_default_str();
  app.add_option("--pin-cores", c.pin_cores,
                 "Pin whole-core frames to CPUs (true/false; off when --cores is given)")
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_option("--nvidia-smi", c.nvidia_smi,
                 "nvidia-smi used to find GPUs (a bare name is looked up on PATH; not found = "
                 "no GPUs)")
      ->capture_default_str();
  app.add_flag("--no-gpu", c.no_gpu, "Report no GPUs (do not run nvidia-smi)");
  app.add_flag("--no-load", c.no_load,
               "Report a load of 0 (several rqds sharing one machine: tests, simulations)");
  app.add_option("--proc-root", c.proc_root, "Where /proc is mounted")->capture_default_str();
  app.footer(kEnvHelp);
}

absl::StatusOr<LoadedConfig> loadConfig(int argc, const char* const* argv, const EnvLookup& env) {
  LoadedConfig out;
  RqdConfig& c = out.config;
  CLI::App app("rqd: Cue's render host daemon (OpenCue RQD protocol)", "rqd");
  addFlags(app, c);  // captures the compiled defaults for --help
  RETURN_IF_ERROR(applyEnv(env, c));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.help = app.help();
    return out;
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  std::vector<std::string> cuebots;
  for (const std::string& item : c.cuebots) {
    for (const std::string& t : splitList(item)) cuebots.push_back(t);
  }
  c.cuebots = std::move(cuebots);
  std::vector<std::string> tags;
  for (const std::string& item : c.tags) {
    for (const std::string& t : splitList(item)) tags.push_back(t);
  }
  c.tags = std::move(tags);
  for (std::string& t : c.cuebots) t = withDefaultPort(t, c.cuebot_port);
  if (c.hostname.empty()) c.hostname = machineHostname();
  if (c.spool_dir.empty()) c.spool_dir = absl::StrCat("/tmp/rqd/spool/", c.hostname);
  if (c.frame_nice == RqdConfig::kFrameNiceDefault) c.frame_nice = c.nimby ? 10 : 0;
  RETURN_IF_ERROR(validate(c));
  return out;
}

}  // namespace cue::rqd

// Where the cuebots are, found the way OpenCue's clients find them:
//   1. -server HOST[:PORT] ... on the command line;
//   2. else $CUEBOT_HOSTS, "host:port,host:port" (commas or spaces);
//   3. else the facility's hosts in the opencue.yaml config file ($OPENCUE_CONFIG_FILE, else
//      ~/.config/opencue/opencue.yaml): keys cuebot.facility_default, cuebot.facility
//      (facility -> list of hosts), cuebot.grpc_port, cuebot.timeout (ms); the facility is
//      -facility, else $CUEBOT_FACILITY, else cuebot.facility_default;
//   4. else localhost.
// Hosts without a port get cuebot.grpc_port (8443). Pure functions; the environment and the
// file system come in through Env so that tests need neither.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::client {

inline constexpr int kDefaultCuebotPort = 8443;
inline constexpr int kDefaultTimeoutMs = 10000;  // OpenCue's cuebot.timeout

struct ClientOptions {
  std::vector<std::string> servers;  // -server; each may itself be "a,b"
  std::string facility;              // -facility
  int timeout_ms = 0;                // 0: cuebot.timeout from the config, else 10 s
};

struct CuebotConfig {
  std::vector<std::string> hosts;  // "host:port", tried in order
  std::string facility;            // the facility chosen, when one was
  int timeout_ms = kDefaultTimeoutMs;
  std::string source;              // where the hosts came from, for -verbose
};

// The parts of opencue.yaml that locate cuebots.
struct OpenCueYaml {
  std::string facility_default;
  std::map<std::string, std::vector<std::string>> facilities;
  int grpc_port = kDefaultCuebotPort;
  int timeout_ms = kDefaultTimeoutMs;
};

// Parses the subset of YAML that opencue.yaml uses: "key: value" lines, nested mappings
// by indentation, block lists ("- item") and flow lists ("[a, b]"), comments. Other keys are
// ignored. Errors name the line.
absl::StatusOr<OpenCueYaml> parseOpenCueYaml(const std::string& text);

struct Env {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::function<std::optional<std::string>(const std::string&)> read_file;  // nullopt: missing
  static Env system();
};

absl::StatusOr<CuebotConfig> resolveCuebots(const ClientOptions& options, const Env& env);

}  // namespace cue::client

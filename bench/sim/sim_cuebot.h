// The two cuebots the simulator drives: a real cuebot process over gRPC, and the dry
// run (cuebot's Farm, Dispatcher and SQLite store in this process, no gRPC).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "proc_stats.h"
#include "sim.h"

namespace cue::sim {

struct CuebotOptions {
  std::filesystem::path dir;  // store and logs
  std::string db;             // the store's URL; empty: a SQLite file in dir
  int dispatch_threads = 2;
  std::string log_level = "warn";
  std::vector<std::string> extra_args;  // more cuebot flags (real cuebot only)
  // The simulated rqds serve only OpenCue's LaunchFrame, not Cue's LaunchFrames (real
  // cuebot only).
  bool opencue_rqd = false;
};

// Starts a cuebot process (binary `cuebot_bin`) and serves the hosts' rqd interface on
// free loopback ports; `farm.rqd_addresses` is set to them.
absl::StatusOr<std::unique_ptr<Cuebot>> startGrpcCuebot(const std::string& cuebot_bin,
                                                        const CuebotOptions& options,
                                                        SimFarm& farm);
// cuebot's own classes in this process; LaunchFrame and kills call the SimFarm directly.
absl::StatusOr<std::unique_ptr<Cuebot>> startDryCuebot(const CuebotOptions& options, SimFarm& farm);

}  // namespace cue::sim

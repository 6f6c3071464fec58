// Turns a job spec (CJSL XML) into jobs in the store: resolves the show, group,
// services and log directory, expands frame ranges into frames (one per chunk), and
// expands depends into the records the store keeps (FRAME_BY_FRAME and PREVIOUS_FRAME
// become one FRAME_ON_FRAME per frame pair). All jobs of a spec are created in one
// transaction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "core/job_spec.h"
#include "store/store.h"

namespace cue::cuebot {

struct LaunchOptions {
  std::string log_root = "/tmp/rqd/logs";  // frame logs: <root>/<show>/<shot>/logs/<job>--<id>
  int64_t max_frames_per_layer = core::kDefaultMaxFramesPerLayer;
};

// A job as launched and, when no depend held any of its frames, its frames by layer id in
// dispatch order: every one of them waiting, which is what the farm model would otherwise
// read back from the store.
struct LaunchedJob {
  core::Job job;
  std::optional<store::WaitingByLayer> waiting;
};

class JobLauncher {
 public:
  JobLauncher(store::Store& store, const common::Clock& clock, LaunchOptions options)
      : store_(store), clock_(clock), options_(std::move(options)) {}

  // Parses and launches. INVALID_ARGUMENT with the parser's message for a bad spec,
  // NOT_FOUND for an unknown show or depend target, ALREADY_EXISTS for a job name that
  // is already pending. Returns the created jobs, in spec order (post jobs after).
  absl::StatusOr<std::vector<core::Job>> launch(const std::string& xml);
  // The same, with each job's waiting frames where it has no depends.
  absl::StatusOr<std::vector<LaunchedJob>> launchJobs(const std::string& xml);

  // Pure part, exposed for tests: builds the jobs without writing them.
  absl::StatusOr<std::vector<store::NewJob>> build(const core::JobSpec& spec);

 private:
  store::Store& store_;
  const common::Clock& clock_;
  LaunchOptions options_;
};

}  // namespace cue::cuebot

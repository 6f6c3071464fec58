// What a simulator run reports: its figures (one table, also as JSON) and the audits
// of the store and of what the simulated hosts saw.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sim.h"
#include "store/store.h"

namespace cue::sim {

struct RunFigures {
  std::string scenario, mode;
  int64_t hosts = 0, cores = 0, frames = 0, launches = 0, completions = 0, status_reports = 0;
  double boot_s = 0, submit_s = 0, run_s = 0, fill_s = -1;
  double settle_s = 0;  // frozen farm: until the store's procs are the hosts' frames
  // --restart-after: SIGKILL to listening again, and to the first launch after it
  double restart_s = -1, restart_to_dispatch_s = -1;
  // launches over the time between the first and the last launch
  double booked_per_s = 0;
  // the first and the last launch, after the first submission
  double first_launch_s = -1, last_launch_s = -1;
  double peak_booked_pct = 0;  // highest share of the farm's cores running at once
  double reports_per_s = 0;
  double delay_p50_ms = 0, delay_p99_ms = 0, delay_max_ms = 0;
  int64_t delay_samples = 0;
  double cuebot_cpu_s = 0, cuebot_peak_rss_mb = 0, store_mb = 0;
  std::vector<double> cpu_probe_ms;  // cpuProbeMs() before the hosts boot
};

struct AuditResult {
  std::string name;
  bool passed = false;
  std::string detail;
};

// `t0`: the first submission.
void fillFigures(const SimMetrics& m, SteadyTime t0, RunFigures& fig);
// Whether the store's procs are exactly the frames the hosts run.
bool procsMatch(store::Store& store, SimFarm& farm);
// `drained`: every frame was meant to finish.
std::vector<AuditResult> audit(store::Store& store, SimFarm& farm, const SimMetrics& m,
                               int64_t frames, bool drained);
void printFigures(const RunFigures& fig, const std::vector<AuditResult>& audits, FILE* out);
std::string toJson(const RunFigures& fig, const std::vector<AuditResult>& audits);

}  // namespace cue::sim

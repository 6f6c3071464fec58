// farm_sim: drives a cuebot with thousands of simulated rqd hosts and reports what it
// measured, with audits. A benchmark: it prints figures; it exits non-zero only when an
// audit fails or the run cannot be made.
//
// Usage: farm_sim SCENARIO [--dry-run] [--hosts N] [--jobs N] [--frames N]
//                [--duration S] [--scale X] [--seed N] [--json FILE] [--dir DIR]
//                [--db postgresql://...] (an empty database; default a SQLite file in DIR)
//                [--dispatch-threads N] [--senders N] [--blast-senders N] [--timeout S]
//                [--cuebot PATH] (another cuebot build, e.g. a baseline; default this tree's)
//                [--opencue-rqd] (hosts serve only OpenCue's LaunchFrame: one frame per call)
// SCENARIO: drain, studio, scale, churn, reports (see bench/sim/scenarios.cpp).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "audit.h"
#include "proc_stats.h"
#include "scenarios.h"
#include "sim_cuebot.h"
#include "store/store.h"

using namespace cue::sim;
namespace fs = std::filesystem;

namespace {

struct Args {
  std::string scenario;
  std::string cuebot_bin = CUEBOT_BIN;
  bool dry = false;
  bool opencue_rqd = false;
  ScenarioParams params;
  std::string json, dir, db;
  int dispatch_threads = 2, senders = 4;
  int blast_senders = 32;  // reports scenario: hosts reporting at once, as on a farm
  double timeout = 600;
  double restart_after = 0;  // > 0: SIGKILL and restart cuebot this long after submission
};

bool parse(int argc, char** argv, Args& a) {
  if (argc < 2) return false;
  a.scenario = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    // clang-format off
    if (k == "--dry-run") a.dry = true;
    else if (k == "--opencue-rqd") a.opencue_rqd = true;
    else if (k == "--hosts") a.params.hosts = std::stoi(next());
    else if (k == "--jobs") a.params.jobs = std::stoi(next());
    else if (k == "--frames") a.params.frames_per_layer = std::stoi(next());
    else if (k == "--duration") a.params.duration = std::stod(next());
    else if (k == "--scale") a.params.time_scale = std::stod(next());
    else if (k == "--seed") a.params.seed = std::stoull(next());
    else if (k == "--json") a.json = next();
    else if (k == "--dir") a.dir = next();
    else if (k == "--db") a.db = next();
    else if (k == "--dispatch-threads") a.dispatch_threads = std::stoi(next());
    else if (k == "--senders") a.senders = std::stoi(next());
    else if (k == "--blast-senders") a.blast_senders = std::stoi(next());
    else if (k == "--timeout") a.timeout = std::stod(next());
    else if (k == "--restart-after") a.restart_after = std::stod(next());
    else if (k == "--cuebot") a.cuebot_bin = next();
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return false;
    }
    // clang-format on
  }
  return true;
}

double since(SteadyTime t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::fprintf(
        stderr,
        "usage: farm_sim drain|studio|scale|churn|reports [--dry-run] [--hosts N] "
        "[--jobs N] [--frames N] [--duration S] [--scale X] [--seed N] [--json FILE] [--db URL] "
        "[--dir DIR] [--dispatch-threads N] [--senders N] [--blast-senders N] [--timeout S] "
        "[--restart-after S] [--cuebot PATH]\n");
    return 2;
  }
  auto scenario = makeScenario(args.scenario, args.params);
  if (!scenario.ok()) {
    std::fprintf(stderr, "%s\n", scenario.status().ToString().c_str());
    return 2;
  }
  const bool own_dir = args.dir.empty();
  fs::path dir = own_dir ? fs::temp_directory_path() / absl::StrCat("farm_sim.", getpid())
                         : fs::path(args.dir);
  fs::remove_all(dir);
  SimOptions so;
  so.time_scale = scenario->time_scale;
  so.report_interval = scenario->report_interval;
  so.sender_threads = args.senders;
  so.seed = args.params.seed;
  SimFarm farm(scenario->hosts, scenario->profiles, so);
  CuebotOptions co;
  co.dir = dir;
  co.db = args.db;
  co.dispatch_threads = args.dispatch_threads;
  co.opencue_rqd = args.opencue_rqd;
  auto cuebot = args.dry ? startDryCuebot(co, farm) : startGrpcCuebot(args.cuebot_bin, co, farm);
  if (!cuebot.ok()) {
    std::fprintf(stderr, "cannot start cuebot: %s\n", cuebot.status().ToString().c_str());
    return 1;
  }
  farm.setCuebot(cuebot->get());
  RunFigures fig;
  fig.scenario = scenario->name;
  fig.mode = args.dry           ? "dry run (planner + store, no gRPC)"
             : args.opencue_rqd ? "cuebot over gRPC, OpenCue's LaunchFrame only"
                                : "cuebot over gRPC";
  fig.hosts = static_cast<int64_t>(scenario->hosts.size());
  fig.cores = farm.totalCores() / 100;
  fig.frames = scenario->frames;

  fig.cpu_probe_ms = cpuProbeMs();
  auto t_boot = std::chrono::steady_clock::now();
  if (auto st = farm.bootAll(args.senders); !st.ok()) {
    std::fprintf(stderr, "boot: %s\n", st.ToString().c_str());
    return 1;
  }
  fig.boot_s = since(t_boot);
  for (const auto& s : scenario->shows)
    if (auto st = (*cuebot)->createShow(s.name, s.size, s.burst); !st.ok()) {
      std::fprintf(stderr, "show %s: %s\n", s.name.c_str(), st.ToString().c_str());
      return 1;
    }

  // Cold fill: from the first submission to 95% of the farm's cores running.
  std::atomic<int64_t> fill_ns{0};
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t fill_target = farm.totalCores() * 95 / 100;
  // Restart: from the SIGKILL to the first launch by the new cuebot.
  std::atomic<bool> restarted{false};
  std::atomic<int64_t> first_after_restart_ns{0};
  SteadyTime killed_at{};
  farm.on_launch = [&](int64_t running, SteadyTime when) {
    if (running >= fill_target && fill_ns == 0)
      fill_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when - t0).count();
    if (restarted && first_after_restart_ns == 0)
      first_after_restart_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(when - killed_at).count();
  };
  farm.start();
  for (const auto& xml : scenario->specs) {
    auto names = (*cuebot)->launchSpec(xml);
    if (!names.ok()) {
      std::fprintf(stderr, "launch: %s\n", names.status().ToString().c_str());
      return 1;
    }
  }
  fig.submit_s = since(t0);

  // Run: until every frame is done (drain), the farm is full (reports) or the duration.
  const bool until_done = scenario->duration == 0 && scenario->blast_seconds == 0;
  const auto deadline =
      t0 + std::chrono::milliseconds(static_cast<int64_t>(
               (scenario->duration > 0 ? fig.submit_s + scenario->duration : args.timeout) * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (args.restart_after > 0 && killed_at == SteadyTime{} &&
        since(t0) >= fig.submit_s + args.restart_after) {
      killed_at = std::chrono::steady_clock::now();
      if (auto st = (*cuebot)->restart(); !st.ok()) {
        std::fprintf(stderr, "restart: %s\n", st.ToString().c_str());
        return 1;
      }
      fig.restart_s = since(killed_at);
      restarted = true;
    }
    SimMetrics m = farm.metrics();
    if (until_done && m.completions >= scenario->frames) break;
    if (scenario->blast_seconds > 0 && m.launches >= scenario->frames) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a benchmark's progress poll
  }
  fig.run_s = since(t0);
  if (scenario->blast_seconds > 0)
    fig.reports_per_s = farm.blastReports(args.blast_senders, scenario->blast_seconds);

  // Freeze the hosts, let cuebot finish what it was doing (until the store's procs are
  // the frames the hosts run, or a minute; the frozen hosts still report, as real ones
  // would), then audit.
  farm.freeze();
  auto store = cue::store::openStore((*cuebot)->storePath());
  if (!store.ok()) {
    std::fprintf(stderr, "cannot read the store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  // A saturated cuebot (the scale scenario) still books its backlog onto the frozen farm:
  // the hosts report every few seconds, not in a flood that would slow it further, and the
  // match must still hold after a round of reports (a busy cuebot passes through moments
  // where it holds between two bookings).
  const auto settle_deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  auto next_reports = std::chrono::steady_clock::now();
  int matched_rounds = 0;
  while (std::chrono::steady_clock::now() < settle_deadline && matched_rounds < 2) {
    if (std::chrono::steady_clock::now() >= next_reports) {
      matched_rounds = procsMatch(**store, farm) ? matched_rounds + 1 : 0;
      if (matched_rounds == 2) break;
      farm.reportAll();
      next_reports = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // poll with a deadline
  }
  fig.settle_s = since(t0) - fig.run_s;
  (*cuebot)->quiesce();
  SimMetrics m = farm.metrics();
  fig.cuebot_cpu_s = (*cuebot)->cpuSeconds();
  fig.cuebot_peak_rss_mb = (*cuebot)->peakRssKb() / 1024.0;
  fig.fill_s = fill_ns > 0 ? fill_ns / 1e9 : -1;
  if (restarted)
    fig.restart_to_dispatch_s = first_after_restart_ns > 0 ? first_after_restart_ns / 1e9 : -1;
  fillFigures(m, t0, fig);
  if (scenario->blast_seconds == 0 && fig.run_s > 0)
    fig.reports_per_s = m.status_reports / fig.run_s;
  fig.store_mb = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("cuebot.db", 0) == 0)
      fig.store_mb += static_cast<double>(fs::file_size(e.path())) / (1024 * 1024);

  auto audits = audit(**store, farm, m, scenario->frames, until_done);
  printFigures(fig, audits, stdout);
  if (!args.json.empty()) {
    std::ofstream out(args.json);
    out << toJson(fig, audits);
  }
  cuebot->reset();
  farm.stop();
  if (own_dir) fs::remove_all(dir);
  for (const auto& a : audits)
    if (!a.passed) return 3;
  return 0;
}

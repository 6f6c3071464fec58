// Farm drain benchmark: one cuebot and N rqds on this machine drain a job of trivial
// frames. Reports frames per second and the distribution of the delay between a frame
// finishing and the next frame starting on the same proc (each rqd has one core, so a
// host is one proc; the times come from the frames themselves).
//
// Usage: drain_bench [frames=2000] [rqds=4] [cores per rqd=1] [command]
// With a command (e.g. /bin/true) the frames run it instead of printing their start and
// end times: throughput only, the frames' own cost as small as it gets.
// With DRAIN_BENCH_LOGS=DIR set, the cuebot's and the rqds' logs are copied into DIR.
// build/bench/spawn_floor gives the machine's floor under the /bin/true figure: how many
// processes it can start and reap at all, with no cuebot or rqd.
// It also prints the CPU each part spent per frame from submission to the job's end, from
// /proc/PID/stat: cuebot's threads, the rqds' threads, the frames (the children the rqds
// reaped, from clone to exit) and this bench's own (its polling).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "farm_harness.h"
#include "sim/proc_stats.h"

using namespace cue::testing;

namespace {

// What cuebot, the rqds and the frames have used so far.
struct FarmCpu {
  double cuebot = 0, rqds = 0, frames = 0, bench = 0;
};

FarmCpu farmCpu(const Farm& farm, int rqds) {
  FarmCpu c;
  c.cuebot = cue::sim::processCpuSeconds(farm.cuebotPid());
  for (int i = 0; i < rqds; ++i) {
    const pid_t rqd = farm.rqdPid(absl::StrCat("bench-", i));
    c.rqds += cue::sim::processCpuSeconds(rqd);
    c.frames += cue::sim::reapedChildrenCpuSeconds(rqd);
  }
  c.bench = cue::sim::processCpuSeconds(0);  // this process
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int rqds = argc > 2 ? std::atoi(argv[2]) : 4;
  const int cores = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  const std::string command =
      argc > 4 ? std::string(argv[4]) : "echo S $(date +%s%N); echo E $(date +%s%N)";
  const bool timed = argc <= 4;
  Farm::Options o;
  o.report_interval = 10;
  Farm farm(o);
  farm.startCuebot();
  for (int i = 0; i < rqds; ++i) {
    RqdOptions r;
    r.name = absl::StrCat("bench-", i);
    r.cores = cores;
    r.memory_mb = 8192;
    farm.startRqd(r);
  }
  if (!farm.waitForHosts(rqds)) {
    std::fprintf(stderr, "hosts did not come up\n%s", farm.cuebotLog().c_str());
    return 1;
  }
  std::string xml = absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>testing</show><shot>bench</shot><user>bench</user><uid>1000</uid>",
      "<job name=\"drain\"><paused>False</paused><priority>1</priority><maxretries>1</maxretries>",
      "<layers><layer name=\"trivial\" type=\"Render\"><cmd>", command,
      "</cmd><range>1-", frames, "</range><chunk>1</chunk><memory>256m</memory><services>",
      "<service>shell</service></services></layer></layers></job><depends/></spec>");
  const FarmCpu cpu0 = farmCpu(farm, rqds);
  auto t0 = std::chrono::steady_clock::now();
  auto names = farm.launch(xml);
  if (names.size() != 1) return 1;
  if (!farm.waitForJobFinished(names[0], std::chrono::minutes(30))) {
    std::fprintf(stderr, "job did not finish\n");
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const FarmCpu cpu1 = farmCpu(farm, rqds);
  std::printf("frames=%d rqds=%d (%d core(s) each) wall=%.1fs throughput=%.1f frames/s\n",
              frames, rqds, cores, secs, frames / secs);
  const double per = 1000.0 / frames;
  std::printf("CPU per frame (ms): cuebot %.2f, rqds %.2f, the frames %.2f, this bench %.2f\n",
              (cpu1.cuebot - cpu0.cuebot) * per, (cpu1.rqds - cpu0.rqds) * per,
              (cpu1.frames - cpu0.frames) * per, (cpu1.bench - cpu0.bench) * per);
  if (const char* keep = std::getenv("DRAIN_BENCH_LOGS")) {
    fs::create_directories(keep);
    std::ofstream(fs::path(keep) / "cuebot.log") << farm.cuebotLog();
    for (int i = 0; i < rqds; ++i) {
      const std::string name = absl::StrCat("bench-", i);
      std::ofstream(fs::path(keep) / ("rqd-" + name + ".log")) << farm.rqdLog(name);
    }
  }
  if (!timed) return 0;  // the frames printed no times

  // Per host: (start, end) of each frame in ns, from the frame's own output.
  auto job = farm.findJob(names[0]);
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_host;
  for (const auto& f : farm.frames(job.id())) {
    std::string log = readFile(fs::path(job.log_dir()) / (names[0] + "." + f.name() + ".rqlog"));
    int64_t s = 0, e = 0;
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      if (absl::StartsWith(line, "S ")) s = std::stoll(std::string(line.substr(2)));
      if (absl::StartsWith(line, "E ")) e = std::stoll(std::string(line.substr(2)));
    }
    std::string host = f.last_resource().substr(0, f.last_resource().find('/'));
    if (s && e) by_host[host].push_back({s, e});
  }
  std::vector<double> gaps_ms;
  for (auto& [host, runs] : by_host) {
    std::sort(runs.begin(), runs.end());
    for (size_t i = 1; i < runs.size(); ++i)
      gaps_ms.push_back((runs[i].first - runs[i - 1].second) / 1e6);
  }
  std::sort(gaps_ms.begin(), gaps_ms.end());
  auto pct = [&](double p) {
    return gaps_ms.empty() ? 0.0 : gaps_ms[std::min(gaps_ms.size() - 1, size_t(p * gaps_ms.size()))];
  };
  std::printf("finish->next start on the same proc (ms, n=%zu): p50=%.1f p90=%.1f p99=%.1f max=%.1f\n",
              gaps_ms.size(), pct(0.5), pct(0.9), pct(0.99), gaps_ms.empty() ? 0 : gaps_ms.back());
  return 0;
}

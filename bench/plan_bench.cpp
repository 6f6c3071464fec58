// The planner's speed on a studio-sized farm in memory (Google Benchmark):
//   - PlanFreedProc: a 1-core proc frees on a full farm; planHost fills it (the fast path
//     from a frame's end to the next frame's booking, planner part only);
//   - PlanFarmTick: planFarm over the whole farm (the periodic tick: every host, plus
//     wide-frame reservations), on a full farm and on an idle one (cold fill).
// Farm: 1,553 hosts shaped as OpenCue Maestro's simulated farm (246 x 128 cores,
// 303 x 32, 1,004 x 16; 4 GB a core; 57,248 cores), 4 shows with sizes and bursts, 400
// jobs x 2 layers x 200 frames of 1-8 cores.
#include <benchmark/benchmark.h>

#include <random>

#include "dispatch/farm_builder.h"
#include "dispatch/plan.h"

namespace cue::dispatch {
namespace {

constexpr CoreUnits kCore = core::kCoreUnitsPerCore;

FarmView studioFarm() {
  FarmBuilder b;
  b.alloc("local.general", "general");
  int n = 0;
  auto hosts = [&](int count, int cores) {
    for (int i = 0; i < count; ++i)
      b.host("h" + std::to_string(n++), "local.general", cores * kCore, cores * 4);
  };
  hosts(246, 128);
  hosts(303, 32);
  hosts(1004, 16);
  const CoreUnits total = 57248 * kCore;
  b.show("alpha", {{"local.general", total * 40 / 100, total}});
  b.show("beta", {{"local.general", total * 30 / 100, total}});
  b.show("gamma", {{"local.general", total * 20 / 100, total}});
  b.show("delta", {{"local.general", 0, total}});
  std::mt19937_64 rng(1);
  const char* shows[] = {"alpha", "beta", "gamma", "delta"};
  const CoreUnits cores[] = {1, 1, 2, 4, 8};
  for (int j = 0; j < 400; ++j) {
    Index job = b.job(shows[j % 4], "job" + std::to_string(j), static_cast<int>(rng() % 100), j);
    b.jobRef(job).min_cores = kCore;
    for (int l = 0; l < 2; ++l) {
      const CoreUnits c = cores[rng() % 5];
      Index layer = b.layer(job, "l" + std::to_string(l), 200, c * kCore, c * 2);
      b.layerRef(layer).avg_frame_sec = 600;
    }
  }
  return b.build();
}

// Applies plans until nothing more fits: a full farm.
void fill(FarmView& farm) {
  for (int round = 0; round < 4; ++round) {
    Plan p = planFarm(farm, {}, 0);
    if (p.bookings.empty()) break;
    int i = 0;
    for (const auto& bk : p.bookings) applyBooking(farm, bk, "p" + std::to_string(i++), 0);
  }
}

void PlanFreedProc(benchmark::State& state) {
  FarmView farm = studioFarm();
  fill(farm);
  // free one proc on a 16-core host, then plan that host, again and again
  Index h = static_cast<Index>(farm.hosts.size() - 1);
  for (auto _ : state) {
    state.PauseTiming();
    FarmView copy = farm;
    Index victim = copy.hosts[h].procs.front();
    releaseProc(copy, victim);
    state.ResumeTiming();
    Plan p = planHost(copy, h, {}, 10);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(PlanFreedProc)->Unit(benchmark::kMicrosecond);

void PlanFarmTickFull(benchmark::State& state) {
  FarmView farm = studioFarm();
  fill(farm);
  for (auto _ : state) benchmark::DoNotOptimize(planFarm(farm, {}, 10));
}
BENCHMARK(PlanFarmTickFull)->Unit(benchmark::kMillisecond);

void PlanFarmColdFill(benchmark::State& state) {
  FarmView farm = studioFarm();
  int64_t booked = 0;
  for (auto _ : state) {
    Plan p = planFarm(farm, {}, 0);
    booked = static_cast<int64_t>(p.bookings.size());
    benchmark::DoNotOptimize(p);
  }
  state.counters["frames_booked"] = static_cast<double>(booked);
}
BENCHMARK(PlanFarmColdFill)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cue::dispatch

BENCHMARK_MAIN();

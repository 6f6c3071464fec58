#include "dispatch/memory_sim.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace cue::dispatch {

MemorySimResult simulateMemoryPolicy(const MemoryPolicyConfig& config, uint64_t seed, int layers,
                                     int frames_per_layer, bool bump_layer_on_oom) {
  constexpr double kGb = 1024.0 * 1024.0;  // KB
  constexpr MemoryKb kIncrease = 2 * core::kKbPerGb;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log_median(std::log(0.5), std::log(32.0));
  std::uniform_real_distribution<double> spread(0.05, 0.40);
  std::uniform_real_distribution<double> guess(0.5, 3.0);
  MemorySimResult r;
  double idle = 0, reserved_sum = 0, held = 0;
  int64_t succeeded = 0;
  for (int l = 0; l < layers; ++l) {
    const double median_gb = std::exp(log_median(rng));
    std::lognormal_distribution<double> peak_gb(std::log(median_gb), spread(rng));
    MemoryKb requested = static_cast<MemoryKb>(median_gb * guess(rng) * kGb);
    MemoryHistory history;
    for (int f = 0; f < frames_per_layer; ++f) {
      ++r.frames;
      const MemoryKb peak = static_cast<MemoryKb>(peak_gb(rng) * kGb);
      MemoryKb reservation = history.estimate(requested, config);
      while (peak > reservation) {  // killed for memory, retried with more
        ++r.oom_kills;
        held += static_cast<double>(reservation) / kGb;
        history.addKill(reservation);  // it reached at least its reservation
        reservation = oomRetryMemory(reservation, kIncrease);
        if (bump_layer_on_oom) requested = std::max(requested, reservation);
      }
      held += static_cast<double>(reservation) / kGb;
      history.addPeak(peak);
      ++succeeded;
      idle += static_cast<double>(reservation - peak) / kGb;
      reserved_sum += static_cast<double>(reservation) / kGb;
    }
  }
  if (succeeded > 0) {
    r.idle_gb_per_frame = idle / static_cast<double>(succeeded);
    r.reserved_gb_per_frame = reserved_sum / static_cast<double>(succeeded);
    r.held_gb_per_frame = held / static_cast<double>(succeeded);
  }
  return r;
}

}  // namespace cue::dispatch

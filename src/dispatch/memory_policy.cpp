#include "dispatch/memory_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cue::dispatch {
namespace {
constexpr size_t kMaxWindow = 256;
constexpr size_t kMedianWindow = 32;

MemoryKb roundUp(MemoryKb m, MemoryKb to) { return to > 0 ? (m + to - 1) / to * to : m; }
}  // namespace

void MemoryHistory::addPeak(MemoryKb max_rss) {
  if (max_rss <= 0) return;
  ++peaks_seen_;
  peaks_.push_back(max_rss);
  if (peaks_.size() > kMaxWindow) peaks_.pop_front();
}

void MemoryHistory::addKill(MemoryKb reached) {
  if (reached <= 0) return;
  kills_.push_back({peaks_seen_, reached});
  if (kills_.size() > kMaxWindow) kills_.pop_front();
}

MemoryKb MemoryHistory::estimate(MemoryKb requested, const MemoryPolicyConfig& c) const {
  // the floor that recent out-of-memory kills set (percentile policy)
  MemoryKb kill_floor = 0;
  if (c.policy == MemoryPolicy::kPercentileMargin)
    for (const auto& [at, reached] : kills_)
      if (peaks_seen_ - at < c.window) kill_floor = std::max(kill_floor, reached + c.oom_increase);
  if (c.policy == MemoryPolicy::kRequested) return requested;
  if (samples() < c.min_samples) return std::max(requested, kill_floor);
  MemoryKb m = requested;
  if (c.policy == MemoryPolicy::kMedianOfRecent) {
    const size_t n = std::min(peaks_.size(), kMedianWindow);
    std::vector<MemoryKb> v(peaks_.end() - static_cast<std::ptrdiff_t>(n), peaks_.end());
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
    m = v[n / 2];
  } else {
    const size_t n = std::min(peaks_.size(), static_cast<size_t>(std::max(1, c.window)));
    std::vector<MemoryKb> v(peaks_.end() - static_cast<std::ptrdiff_t>(n), peaks_.end());
    std::sort(v.begin(), v.end());
    const size_t k = std::min(n - 1, static_cast<size_t>(std::ceil(c.percentile * n)) - 1);
    m = std::max(static_cast<MemoryKb>(static_cast<double>(v[k]) * (1.0 + c.margin)),
                 kill_floor);
  }
  m = std::max(roundUp(m, c.round_to), c.floor);
  if (c.ceiling > 0) m = std::min(m, c.ceiling);
  return m;
}

MemoryKb oomRetryMemory(MemoryKb reserved, MemoryKb increase) {
  return reserved + std::max<MemoryKb>(increase, 0);
}

bool isOutOfMemory(int32_t exit_status, int32_t exit_signal, MemoryKb max_rss,
                   MemoryKb reserved) {
  if (exit_status == 33 || exit_status == 137 || exit_signal == 33) return true;
  return exit_signal == 9 && reserved > 0 && max_rss >= reserved;
}

}  // namespace cue::dispatch

// Helpers shared by the planner's unit tests (plan_*_test.cpp).
#pragma once

// Unit tests of the pure planner (plan.h, fit.h): one scenario per rule, built with
// FarmBuilder, with the expected bookings or shares written beside each scenario.
// Deterministic: no clock, no sleeps; the property test uses a seeded generator.
#include "dispatch/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "dispatch/audit.h"
#include "dispatch/farm_builder.h"
#include "dispatch/fit.h"

namespace cue::dispatch::plan_test {


constexpr CoreUnits kCore = core::kCoreUnitsPerCore;
constexpr MemoryKb kGb = core::kKbPerGb;
constexpr EpochSec kNow = 1000;
constexpr CoreUnits kHuge = 1000 * kCore;  // a subscription nobody reaches

// One allocation "local.general" (tag "general") and one show "film" subscribed to it.
inline FarmBuilder oneShow(CoreUnits size = kHuge, CoreUnits burst = kHuge) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.show("film", {{"local.general", size, burst}});
  return b;
}

inline int framesOfLayer(const Plan& plan, Index layer) {
  return static_cast<int>(std::count_if(plan.bookings.begin(), plan.bookings.end(),
                                        [&](const Booking& b) { return b.layer == layer; }));
}

inline int framesOfJob(const Plan& plan, Index job) {
  return static_cast<int>(std::count_if(plan.bookings.begin(), plan.bookings.end(),
                                        [&](const Booking& b) { return b.job == job; }));
}

inline int framesOnHost(const Plan& plan, Index host) {
  return static_cast<int>(std::count_if(plan.bookings.begin(), plan.bookings.end(),
                                        [&](const Booking& b) { return b.host == host; }));
}

inline CoreUnits coresOfJob(const Plan& plan, Index job) {
  CoreUnits c = 0;
  for (const auto& b : plan.bookings)
    if (b.job == job) c += b.cores;
  return c;
}

inline CoreUnits coresOfShow(const FarmView& farm, const Plan& plan, Index show) {
  CoreUnits c = 0;
  for (const auto& b : plan.bookings)
    if (farm.jobs[b.job].show == show) c += b.cores;
  return c;
}

inline bool skipped(const Plan& plan, Index layer, SkipReason reason) {
  return std::any_of(plan.skipped.begin(), plan.skipped.end(), [&](const LayerSkip& s) {
    return s.layer == layer && s.reason == reason;
  });
}

// Books the layer's next waiting frame on the host, as if an earlier plan had.
inline Index bookHead(FarmView& farm, Index layer, Index host, CoreUnits cores, EpochSec start) {
  const LayerView& l = farm.layers[layer];
  Booking b;
  b.host = host;
  b.job = l.job;
  b.layer = layer;
  b.frame_id = l.waiting[l.waiting_head].id;
  b.cores = cores;
  b.memory = l.min_memory;
  b.gpus = l.min_gpus;
  b.gpu_memory = l.min_gpu_memory;
  return applyBooking(farm, b, "proc-" + b.frame_id, start);
}

inline void applyAll(FarmView& farm, const Plan& plan, EpochSec now) {
  for (const auto& b : plan.bookings) applyBooking(farm, b, "proc-" + b.frame_id, now);
}

// ---------------------------------------------------------------------------------------
// Host state

}  // namespace cue::dispatch::plan_test

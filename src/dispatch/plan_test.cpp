// The planner's rules, one scenario per rule: host state, tags, cores, memory, GPUs, slots, load.
#include "dispatch/plan_test_util.h"

namespace cue::dispatch {
namespace {

using namespace plan_test;  // NOLINT(build/namespaces)

TEST(PlanTest, HostDownBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).up = false;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing booked on a down host
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
}

TEST(PlanTest, HostLockedBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).locked = true;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing booked on a locked host
  EXPECT_TRUE(planHost(farm, h, Config{}, kNow).bookings.empty());
}

TEST(PlanTest, HostNimbyBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).nimby = true;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing booked on a NIMBY-locked host
  EXPECT_TRUE(planHost(farm, h, Config{}, kNow).bookings.empty());
}

TEST(PlanTest, PlanFarmBooksOnlyOnUsableHosts) {
  FarmBuilder b = oneShow();
  Index down = b.host("down", "local.general", 4 * kCore, 16);
  Index locked = b.host("locked", "local.general", 4 * kCore, 16);
  Index nimby = b.host("nimby", "local.general", 4 * kCore, 16);
  Index up = b.host("up", "local.general", 4 * kCore, 16);
  b.hostRef(down).up = false;
  b.hostRef(locked).locked = true;
  b.hostRef(nimby).nimby = true;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 20, kCore, 1);
  FarmView farm = b.build();
  // expected: 4 frames, all on "up"
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(plan.bookings.size(), 4u);
  EXPECT_EQ(framesOnHost(plan, up), 4);
}

// Several host visits in one plan: what the first host takes is gone for the next, and a
// host that cannot book does not stop the others.
TEST(PlanTest, PlanHostsSharesOneLayerAcrossHostsInOrder) {
  FarmBuilder b = oneShow();
  Index first = b.host("h1", "local.general", 4 * kCore, 16);
  Index locked = b.host("h2", "local.general", 4 * kCore, 16);
  Index last = b.host("h3", "local.general", 4 * kCore, 16);
  b.hostRef(locked).locked = true;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 6, kCore, 1);
  FarmView farm = b.build();
  Plan plan = planHosts(farm, {first, locked, last, 99}, Config{}, kNow);
  EXPECT_EQ(framesOnHost(plan, first), 4);
  EXPECT_EQ(framesOnHost(plan, locked), 0);
  EXPECT_EQ(framesOnHost(plan, last), 2);
  std::set<std::string> frames;
  for (const auto& bk : plan.bookings) frames.insert(bk.frame_id);
  EXPECT_EQ(frames.size(), 6u) << "no frame planned twice";
}

TEST(PlanTest, HostIndexOutOfRangeGivesEmptyPlan) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  FarmView farm = b.build();
  EXPECT_TRUE(planHost(farm, 5, Config{}, kNow).bookings.empty());
  EXPECT_TRUE(planHost(farm, -1, Config{}, kNow).bookings.empty());
}

// ---------------------------------------------------------------------------------------
// Tags

TEST(PlanTest, LayerWithoutTagsRunsOnAnyHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16, {"desktop"});
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: 4 frames (no tags = any host)
  EXPECT_EQ(framesOfLayer(planHost(farm, h, Config{}, kNow), l), 4);
}

TEST(PlanTest, TagMismatchSkipsLayer) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16, {"desktop"});
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1, {"gpu"});
  FarmView farm = b.build();
  // expected: nothing, reason "lack tag"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kTagMismatch));
}

TEST(PlanTest, AlternativeTagsMatchEither) {
  // "fast | gpu" is stored as {"fast", "gpu"}
  FarmBuilder b = oneShow();
  Index fast = b.host("h1", "local.general", 2 * kCore, 16, {"fast"});
  Index gpu = b.host("h2", "local.general", 2 * kCore, 16, {"gpu"});
  Index other = b.host("h3", "local.general", 2 * kCore, 16, {"desktop"});
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1, {"fast", "gpu"});
  FarmView farm = b.build();
  // expected: 2 on h1, 2 on h2, 0 on h3
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 4);
  EXPECT_EQ(framesOnHost(plan, fast), 2);
  EXPECT_EQ(framesOnHost(plan, gpu), 2);
  EXPECT_EQ(framesOnHost(plan, other), 0);
}

TEST(PlanTest, HostnameTagPinsLayerToThatHost) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index h2 = b.host("h2", "local.general", 4 * kCore, 16);
  b.host("h3", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1, {"h2"});
  FarmView farm = b.build();
  // expected: 4 frames, all on h2
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 4);
  EXPECT_EQ(framesOnHost(plan, h2), 4);
}

TEST(PlanTest, AllocationTagMatchesItsHosts) {
  FarmBuilder b = oneShow();
  Index h1 = b.host("h1", "local.general", 2 * kCore, 16);
  Index h2 = b.host("h2", "local.general", 2 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1, {"general"});
  FarmView farm = b.build();
  // expected: 2 + 2 frames (the builder tags each host with its allocation's tag)
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 4);
  EXPECT_EQ(framesOnHost(plan, h1), 2);
  EXPECT_EQ(framesOnHost(plan, h2), 2);
}

// ---------------------------------------------------------------------------------------
// Cores

TEST(PlanTest, OneCoreFramesFillHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: 16 frames of 1 core, in frame order
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 16);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(plan.bookings[i].cores, kCore);
    EXPECT_EQ(plan.bookings[i].frame_id, "job/render/" + std::to_string(i + 1));
  }
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughCores));
}

TEST(PlanTest, MinCoresZeroTakesWholeHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "sim", 3, 0, 4);
  FarmView farm = b.build();
  // expected: 1 frame of 16 cores
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 16 * kCore);
}

TEST(PlanTest, NegativeMinCoresLeavesThatManyCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "sim", 3, -2 * kCore, 4);
  FarmView farm = b.build();
  // expected: 1 frame of 14 cores (16 - 2); the next needs 14 again and 2 are left
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 14 * kCore);
}

TEST(PlanTest, NegativeMinCoresNeverBelowOneCore) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 2 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "sim", 5, -8 * kCore, 1);
  FarmView farm = b.build();
  // expected: 2 frames of 1 core (2 - 8 cores resolves to the 1-core floor)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_EQ(plan.bookings[0].cores, kCore);
}

TEST(PlanTest, WholeHostUsesWholeCoresOfFractionalHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 8 * kCore + 50, 32);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "sim", 1, 0, 4);
  FarmView farm = b.build();
  // expected: 8 cores (8.5 cores rounded down to whole cores)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 8 * kCore);
}

TEST(PlanTest, FrameWiderThanHostIsTooSmall) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "wide", 1, 32 * kCore, 4);
  FarmView farm = b.build();
  // expected: nothing, "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, BusyCoresLeaveTooFewForFrame) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index busy = b.layer(j, "busy", 1, 3 * kCore, 1);
  Index l = b.layer(j, "render", 5, 2 * kCore, 1);
  FarmView farm = b.build();
  bookHead(farm, busy, h, 3 * kCore, 0);
  // expected: nothing (1 core idle, the frame needs 2), "lack cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughCores));
}

// ---------------------------------------------------------------------------------------
// Memory, GPUs, slots

TEST(PlanTest, MemoryLimitsFramesPerHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 6);
  FarmView farm = b.build();
  // expected: 2 frames of 6 GB on a 16 GB host, then "lack memory"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_EQ(plan.bookings[0].memory, 6 * kGb);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughMemory));
}

TEST(PlanTest, MemoryAboveHostIsTooSmall) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 32);
  FarmView farm = b.build();
  // expected: nothing, "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, FrameMinMemoryWinsOverLayer) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 3, kCore, 2);
  b.layerRef(l).waiting[0].min_memory = 10 * kGb;  // retried after an OOM kill
  FarmView farm = b.build();
  // expected: frame 1 with 10 GB, frames 2 and 3 with the layer's 2 GB (14 GB in all)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 3);
  EXPECT_EQ(plan.bookings[0].frame_id, "job/render/1");
  EXPECT_EQ(plan.bookings[0].memory, 10 * kGb);
  EXPECT_EQ(plan.bookings[1].memory, 2 * kGb);
  EXPECT_EQ(plan.bookings[2].memory, 2 * kGb);
}

TEST(PlanTest, FrameMinMemoryAboveHostIsTooSmall) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 8);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 3, kCore, 2);
  b.layerRef(l).waiting[0].min_memory = 12 * kGb;
  FarmView farm = b.build();
  // expected: nothing (the head frame needs 12 GB of 8), "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, FrameMinMemoryBelowLayerIsIgnored) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 1, kCore, 4);
  b.layerRef(l).waiting[0].min_memory = 1 * kGb;
  FarmView farm = b.build();
  // expected: 1 frame with the layer's 4 GB
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].memory, 4 * kGb);
}

TEST(PlanTest, GpuLayerNeedsGpuHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "ml", 4, kCore, 4);
  b.layerRef(l).min_gpus = 1;
  FarmView farm = b.build();
  // expected: nothing on a host without GPUs, "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, GpuCountLimitsFrames) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).gpus = 2;
  b.hostRef(h).gpu_memory = 32 * kGb;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "ml", 4, kCore, 4);
  b.layerRef(l).min_gpus = 1;
  b.layerRef(l).min_gpu_memory = 8 * kGb;
  FarmView farm = b.build();
  // expected: 2 frames of 1 GPU and 8 GB GPU memory, then "lack gpus"
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_EQ(plan.bookings[0].gpus, 1);
  EXPECT_EQ(plan.bookings[0].gpu_memory, 8 * kGb);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughGpus));
}

TEST(PlanTest, GpuMemoryLimitsFrames) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).gpus = 4;
  b.hostRef(h).gpu_memory = 16 * kGb;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "ml", 4, kCore, 4);
  b.layerRef(l).min_gpus = 1;
  b.layerRef(l).min_gpu_memory = 10 * kGb;
  FarmView farm = b.build();
  // expected: 1 frame (10 of 16 GB GPU memory), then "lack gpu memory"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughGpuMemory));
}

TEST(PlanTest, GpuMemoryAboveHostIsTooSmall) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).gpus = 4;
  b.hostRef(h).gpu_memory = 8 * kGb;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "ml", 4, kCore, 4);
  b.layerRef(l).min_gpus = 1;
  b.layerRef(l).min_gpu_memory = 10 * kGb;
  FarmView farm = b.build();
  // expected: nothing, "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, SlotsLimitFramesOnSlotCappedHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).slots = 2;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).slots_required = 1;
  FarmView farm = b.build();
  // expected: 2 frames taking 1 slot each, then "no slot"
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_EQ(plan.bookings[0].slots, 1);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNoFreeSlot));
}

TEST(PlanTest, LayerWithoutSlotsIgnoresSlotCap) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).slots = 2;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);  // slots_required 0
  FarmView farm = b.build();
  // expected: 16 frames, none taking a slot
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 16);
  EXPECT_EQ(plan.bookings[0].slots, 0);
}

TEST(PlanTest, HostWithoutSlotCapIgnoresSlotsRequired) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);  // slots 0: no cap
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  b.layerRef(l).slots_required = 3;
  FarmView farm = b.build();
  // expected: 16 frames, slots not counted
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 16);
  EXPECT_EQ(plan.bookings[0].slots, 0);
}

TEST(PlanTest, SlotsRequiredAboveHostSlotsIsTooSmall) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).slots = 2;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 4, kCore, 1);
  b.layerRef(l).slots_required = 3;
  FarmView farm = b.build();
  // expected: nothing, "too small"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostTooSmall));
}

TEST(PlanTest, SlotsHeldByRunningFramesCount) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).slots = 3;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).slots_required = 1;
  FarmView farm = b.build();
  Plan first = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(first.bookings.size(), 3u);
  applyBooking(farm, first.bookings[0], "p1", kNow);
  applyBooking(farm, first.bookings[1], "p2", kNow);
  // expected: 1 more frame (2 of 3 slots held)
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 1);
}

// ---------------------------------------------------------------------------------------
// Load

TEST(PlanTest, UsableIdleCoresFollowsOpenCueFormula) {
  Config config;
  HostView host;
  host.cores = 16 * kCore;  // may carry load up to 16.8 cores
  // no load reported: the booked-idle cores
  EXPECT_EQ(usableIdleCores(host, 0, config), 16 * kCore);
  // 12 cores of load that cuebot did not book: 16.8 - 12 = 4.8 cores usable
  host.load = 12 * kCore;
  EXPECT_EQ(usableIdleCores(host, 0, config), 480);
  // load beyond the allowance: nothing usable
  host.load = 17 * kCore;
  EXPECT_EQ(usableIdleCores(host, 0, config), 0);
  // load that is cuebot's own 8 booked cores takes nothing more away
  host.load = 8 * kCore;
  host.used_cores = 8 * kCore;
  EXPECT_EQ(usableIdleCores(host, 8 * kCore, config), 8 * kCore);
  // 4 cores of foreign load on top of 8 booked: 16.8 - 12 = 4.8 cores usable
  host.load = 12 * kCore;
  EXPECT_EQ(usableIdleCores(host, 8 * kCore, config), 480);
}

TEST(PlanTest, BookingsOfThisPlanCountAgainstLoadRoom) {
  Config config;
  HostView host;
  host.cores = 16 * kCore;
  host.load = 12 * kCore;  // 4.8 cores of room
  // 2 cores booked earlier in the same plan (not yet in the report): 2.8 left
  EXPECT_EQ(usableIdleCores(host, 2 * kCore, config), 280);
}

TEST(PlanTest, ForeignLoadReducesIdleCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).load = 12 * kCore;  // another process keeps 12 cores busy
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: 4 frames (16.8 - 12 = 4.8 cores of room), then "lack cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 4);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughCores));
}

TEST(PlanTest, LoadOfFramesThatJustEndedIsNotForeign) {
  Config config;
  HostView host;
  host.cores = 2 * kCore;
  // a frame just ended: the 1-minute load still shows 2 cores busy, 1 frame runs
  host.load = 2 * kCore;
  host.used_cores = kCore;
  EXPECT_EQ(usableIdleCores(host, kCore, config), 10);  // seen as foreign: no room
  host.recently_freed = kCore;
  EXPECT_EQ(usableIdleCores(host, kCore, config), kCore);  // the freed core is usable
}

TEST(PlanTest, LoadOfOwnFramesTakesNothingAway) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 8; ++i) bookHead(farm, l, h, kCore, 0);
  farm.hosts[h].load = 8 * kCore;  // the 8 frames cuebot booked
  // expected: 8 more frames
  EXPECT_EQ(framesOfLayer(planHost(farm, h, Config{}, kNow), l), 8);
}

TEST(PlanTest, ForeignLoadOnTopOfOwnFrames) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 8; ++i) bookHead(farm, l, h, kCore, 0);
  farm.hosts[h].load = 12 * kCore;  // 8 booked + 4 foreign
  // expected: 4 more frames (16.8 - 12 = 4.8 cores of room)
  EXPECT_EQ(framesOfLayer(planHost(farm, h, Config{}, kNow), l), 4);
}

TEST(PlanTest, OverloadedHostBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).load = 18 * kCore;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing, "lack cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kNotEnoughCores));
}

// ---------------------------------------------------------------------------------------
// Threadable sizing

TEST(PlanTest, ThreadModeAllTakesAllWholeIdleCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore + 50, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 4, kCore, 4);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 1 frame of 16 cores (16.5 idle, whole cores only)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 16 * kCore);
}

TEST(PlanTest, AutoModeTakesMemoryProportionalCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);  // 4 GB a core
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 16);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 4 frames of 4 cores each (16 GB is a quarter of the memory)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 4);
  for (const auto& bk : plan.bookings) EXPECT_EQ(bk.cores, 4 * kCore);
}

TEST(PlanTest, AutoModeSmallFrameTakesMinCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: first frame 1 core (1 GB is a quarter of a core's memory)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_FALSE(plan.bookings.empty());
  EXPECT_EQ(plan.bookings[0].cores, kCore);
}

}  // namespace
}  // namespace cue::dispatch

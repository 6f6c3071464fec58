// The planner's rules, one scenario per rule: threadable sizing, GPU hosts, subscriptions and shares, priorities.
#include "dispatch/plan_test_util.h"

namespace cue::dispatch {
namespace {

using namespace plan_test;  // NOLINT(build/namespaces)

TEST(PlanTest, StrandedMemoryTakesAllCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 10);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 4, kCore, 9);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 1 frame of 16 cores (1 GB would be left, below 1.5 GB: cores would strand)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 16 * kCore);
}

TEST(PlanTest, VariableModeTakesAtLeastTwoCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kVariable;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 8 frames of 2 cores
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 8);
  for (const auto& bk : plan.bookings) EXPECT_EQ(bk.cores, 2 * kCore);
}

TEST(PlanTest, ThreadableCappedByLayerMaxCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).threadable = true;
  b.layerRef(l).max_cores = 4 * kCore;
  FarmView farm = b.build();
  // expected: 4 frames of 4 cores
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 4);
  for (const auto& bk : plan.bookings) EXPECT_EQ(bk.cores, 4 * kCore);
}

TEST(PlanTest, ThreadableCappedByJobMaxCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_cores = 6 * kCore;
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 1 frame of 6 cores, then "job at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 6 * kCore);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kJobAtMaxCores));
}

TEST(PlanTest, ThreadableCappedByGroupMaxCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index g = b.group("film", "lighting", kNone, 0, 5 * kCore);
  Index j = b.job("film", "job", 1, 0, g);
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 1 frame of 5 cores, then "group at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 5 * kCore);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kGroupAtMaxCores));
}

TEST(PlanTest, ThreadableCappedBySubscriptionBurst) {
  FarmBuilder b = oneShow(3 * kCore, 3 * kCore);
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(l).threadable = true;
  FarmView farm = b.build();
  // expected: 1 frame of 3 cores (the burst), then "show at burst"
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].cores, 3 * kCore);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kShowAtBurst));
}

TEST(PlanTest, NonThreadableLayerTakesMinCoresOnAllModeHost) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).thread_mode = core::ThreadMode::kAll;
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, 2 * kCore, 1);
  FarmView farm = b.build();
  // expected: 8 frames of 2 cores
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 8);
  EXPECT_EQ(plan.bookings[0].cores, 2 * kCore);
}

// ---------------------------------------------------------------------------------------
// GPU hosts keep room for waiting GPU work

// An 8-core, 64 GB host with one GPU; a CPU job (priority 10) and, unless `gpu_frames` is
// 0, a GPU job (priority 1) of the same show.
struct GpuFarm {
  FarmView farm;
  Index host, cpu_layer, gpu_layer, gpu_job;
};

GpuFarm gpuFarm(int gpu_frames, int gpu_needed = 1) {
  FarmBuilder b = oneShow();
  GpuFarm f;
  f.host = b.host("g1", "local.general", 8 * kCore, 64);
  b.hostRef(f.host).gpus = 1;
  b.hostRef(f.host).gpu_memory = 16 * kGb;
  Index cpu = b.job("film", "cpu", 10);
  f.cpu_layer = b.layer(cpu, "render", 20, kCore, 1);
  f.gpu_job = b.job("film", "gpu", 1);
  f.gpu_layer = b.layer(f.gpu_job, "ml", gpu_frames, kCore, 4);
  b.layerRef(f.gpu_layer).min_gpus = gpu_needed;
  f.farm = b.build();
  return f;
}

TEST(PlanTest, CpuFramesLeaveRoomWhileGpuWorkWaits) {
  GpuFarm f = gpuFarm(2);
  // expected: 7 CPU frames (one core kept for the GPU), then 1 GPU frame
  Plan plan = planHost(f.farm, f.host, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, f.cpu_layer), 7);
  EXPECT_EQ(framesOfLayer(plan, f.gpu_layer), 1);
  EXPECT_TRUE(skipped(plan, f.cpu_layer, SkipReason::kKeptForGpuWork));
}

TEST(PlanTest, GpuWorkThatCannotFitStillHoldsRoom) {
  // the GPU layer needs 2 GPUs: too big for this host, but it waits in the allocation
  GpuFarm f = gpuFarm(2, 2);
  // expected: 7 CPU frames, "kept for gpu work"
  Plan plan = planHost(f.farm, f.host, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, f.cpu_layer), 7);
  EXPECT_EQ(framesOfLayer(plan, f.gpu_layer), 0);
  EXPECT_TRUE(skipped(plan, f.cpu_layer, SkipReason::kKeptForGpuWork));
}

TEST(PlanTest, CpuFramesUseGpuHostFreelyWithoutGpuWork) {
  GpuFarm f = gpuFarm(0);
  // expected: 8 CPU frames (no GPU frame waits)
  Plan plan = planHost(f.farm, f.host, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, f.cpu_layer), 8);
}

TEST(PlanTest, PausedGpuWorkDoesNotHoldRoom) {
  GpuFarm f = gpuFarm(2);
  f.farm.jobs[f.gpu_job].paused = true;
  // expected: 8 CPU frames
  Plan plan = planHost(f.farm, f.host, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, f.cpu_layer), 8);
}

TEST(PlanTest, GpuWorkInOtherAllocationDoesNotHoldRoom) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.alloc("local.gpu", "gpu");
  b.show("film", {{"local.general", kHuge, kHuge}});
  b.show("ml", {{"local.gpu", kHuge, kHuge}});
  Index h = b.host("g1", "local.general", 8 * kCore, 64);
  b.hostRef(h).gpus = 1;
  b.hostRef(h).gpu_memory = 16 * kGb;
  Index cpu = b.job("film", "cpu", 1);
  Index cl = b.layer(cpu, "render", 20, kCore, 1);
  Index gpu = b.job("ml", "gpu", 1);
  Index gl = b.layer(gpu, "train", 2, kCore, 4);
  b.layerRef(gl).min_gpus = 1;
  FarmView farm = b.build();
  // expected: 8 CPU frames (the GPU work waits in local.gpu only)
  EXPECT_EQ(framesOfLayer(planHost(farm, h, Config{}, kNow), cl), 8);
}

TEST(PlanTest, CpuFramesLeaveGpuMemoryRoomToo) {
  FarmBuilder b = oneShow();
  Index h = b.host("g1", "local.general", 8 * kCore, 16);
  b.hostRef(h).gpus = 1;
  b.hostRef(h).gpu_memory = 16 * kGb;
  Index cpu = b.job("film", "cpu", 10);
  Index cl = b.layer(cpu, "render", 20, kCore, 4);
  Index gpu = b.job("film", "gpu", 1);
  Index gl = b.layer(gpu, "ml", 2, kCore, 8);  // needs 8 GB: cannot fit after CPU frames
  b.layerRef(gl).min_gpus = 1;
  FarmView farm = b.build();
  // expected: 3 CPU frames of 4 GB (4 GB kept per idle GPU: 16 - 12 = 4)
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, cl), 3);
  EXPECT_TRUE(skipped(plan, cl, SkipReason::kKeptForGpuWork));
}

// ---------------------------------------------------------------------------------------
// Subscriptions and fair share

TEST(PlanTest, ShowWithoutSubscriptionBooksNothing) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.alloc("local.other", "other");
  b.show("film", {{"local.other", kHuge, kHuge}});
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing (film is not subscribed to local.general)
  EXPECT_TRUE(planHost(farm, h, Config{}, kNow).bookings.empty());
}

TEST(PlanTest, BurstIsHardCapOnOneHost) {
  FarmBuilder b = oneShow(4 * kCore, 6 * kCore);  // size 4, burst 6
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: 6 frames, then "show at burst"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 6);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kShowAtBurst));
}

TEST(PlanTest, BurstIsHardCapAcrossHostsInPlanFarm) {
  FarmBuilder b = oneShow(4 * kCore, 6 * kCore);
  b.host("h1", "local.general", 8 * kCore, 64);
  b.host("h2", "local.general", 8 * kCore, 64);
  b.host("h3", "local.general", 8 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: 6 cores in all over the three hosts
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(coresOfJob(plan, j), 6 * kCore);
  applyAll(farm, plan, kNow);
  EXPECT_TRUE(auditFarm(farm).empty());
}

TEST(PlanTest, BurstNeverExceededWithWideFrames) {
  FarmBuilder b = oneShow(4 * kCore, 7 * kCore);
  b.host("h1", "local.general", 8 * kCore, 64);
  b.host("h2", "local.general", 8 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 10, 3 * kCore, 1);
  FarmView farm = b.build();
  // expected: 2 frames of 3 cores (a third would make 9 > 7)
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(coresOfJob(plan, j), 6 * kCore);
}

TEST(PlanTest, BurstBelowSizeMeansSize) {
  FarmBuilder b = oneShow(8 * kCore, 0);
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: 8 frames (burst 0 < size 8: the size is the cap)
  EXPECT_EQ(framesOfJob(planHost(farm, h, Config{}, kNow), j), 8);
}

TEST(PlanTest, ZeroSizeAndBurstBooksNothing) {
  FarmBuilder b = oneShow(0, 0);
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing, "show at burst"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kShowAtBurst));
}

TEST(PlanTest, RunningFramesCountTowardBurst) {
  FarmBuilder b = oneShow(4 * kCore, 8 * kCore);
  Index h1 = b.host("h1", "local.general", 16 * kCore, 64);
  Index h2 = b.host("h2", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 6; ++i) bookHead(farm, l, h1, kCore, 0);
  // expected: 2 frames on h2 (6 of the burst of 8 run on h1)
  EXPECT_EQ(framesOfLayer(planHost(farm, h2, Config{}, kNow), l), 2);
}

TEST(PlanTest, ShowBelowSizeServedBeforeShowAboveSize) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.show("over", {{"local.general", 4 * kCore, kHuge}});
  b.show("under", {{"local.general", 4 * kCore, kHuge}});
  Index busy_host = b.host("h0", "local.general", 8 * kCore, 64);
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index over = b.job("over", "over-job", 1);
  Index over_layer = b.layer(over, "render", 40, kCore, 1);
  Index under = b.job("under", "under-job", 1);
  b.layer(under, "render", 40, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 8; ++i) bookHead(farm, over_layer, busy_host, kCore, 0);
  // "over" holds 8 cores of its size 4; "under" holds none
  // expected on h1: under 4, over 0
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, under), 4);
  EXPECT_EQ(framesOfJob(plan, over), 0);
}

TEST(PlanTest, SharesProportionalToSize) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index a = b.show("a", {{"local.general", 8 * kCore, 32 * kCore}});
  Index c = b.show("b", {{"local.general", 24 * kCore, 32 * kCore}});
  b.host("h1", "local.general", 16 * kCore, 64);
  b.host("h2", "local.general", 16 * kCore, 64);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  b.layer(b.job("b", "b-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  // 32 cores, both want more than they can have
  // expected: a 8, b 24 (both at used/size = 1)
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(coresOfShow(farm, plan, a), 8 * kCore);
  EXPECT_EQ(coresOfShow(farm, plan, c), 24 * kCore);
}

TEST(PlanTest, EqualShowsSplitEvenly) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index a = b.show("a", {{"local.general", 10 * kCore, 20 * kCore}});
  Index c = b.show("b", {{"local.general", 10 * kCore, 20 * kCore}});
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  b.layer(b.job("b", "b-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  // expected: a 8, b 8
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(coresOfShow(farm, plan, a), 8 * kCore);
  EXPECT_EQ(coresOfShow(farm, plan, c), 8 * kCore);
}

TEST(PlanTest, ZeroSizeShowOnlyGetsLeftovers) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index z = b.show("zero", {{"local.general", 0, 16 * kCore}});
  Index a = b.show("a", {{"local.general", 8 * kCore, 8 * kCore}});
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.layer(b.job("zero", "z-job", 1), "render", 100, kCore, 1);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  // expected: a 8 (its burst), zero gets the 8 left over
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(coresOfShow(farm, plan, a), 8 * kCore);
  EXPECT_EQ(coresOfShow(farm, plan, z), 8 * kCore);
}

TEST(PlanTest, ZeroSizeShowWaitsWhileOthersBelowSize) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index z = b.show("zero", {{"local.general", 0, 16 * kCore}});
  Index a = b.show("a", {{"local.general", 8 * kCore, 16 * kCore}});
  Index h = b.host("h1", "local.general", 8 * kCore, 64);
  b.layer(b.job("zero", "z-job", 1), "render", 100, kCore, 1);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  // expected: a 8 (up to its size), zero 0
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(coresOfShow(farm, plan, a), 8 * kCore);
  EXPECT_EQ(coresOfShow(farm, plan, z), 0);
}

TEST(PlanTest, IdleCapacityGoesToOthersUpToBurst) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index a = b.show("a", {{"local.general", 8 * kCore, 12 * kCore}});
  b.show("idle", {{"local.general", 8 * kCore, 12 * kCore}});  // no work
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  // expected: a 12 (beyond its size 8, up to its burst), 4 cores stay idle
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(coresOfShow(farm, plan, a), 12 * kCore);
}

TEST(PlanTest, SeedTieBreakIsDeterministic) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.show("a", {{"local.general", 4 * kCore, 4 * kCore}});
  b.show("b", {{"local.general", 4 * kCore, 4 * kCore}});
  Index h = b.host("h1", "local.general", 8 * kCore, 64);
  b.layer(b.job("a", "a-job", 1), "render", 100, kCore, 1);
  b.layer(b.job("b", "b-job", 1), "render", 100, kCore, 1);
  FarmView farm = b.build();
  Config config;
  config.seed = 42;
  Plan p1 = planHost(farm, h, config, kNow);
  Plan p2 = planHost(farm, h, config, kNow);
  // expected: the same plan twice; a 4, b 4 whatever the tie-break
  ASSERT_EQ(p1.bookings.size(), p2.bookings.size());
  for (size_t i = 0; i < p1.bookings.size(); ++i)
    EXPECT_EQ(p1.bookings[i].frame_id, p2.bookings[i].frame_id);
  EXPECT_EQ(coresOfShow(farm, p1, 0), 4 * kCore);
  EXPECT_EQ(coresOfShow(farm, p1, 1), 4 * kCore);
}

// ---------------------------------------------------------------------------------------
// Jobs within a show

TEST(PlanTest, HigherPriorityJobFirst) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index low = b.job("film", "low", 1);
  Index high = b.job("film", "high", 10);
  b.layer(low, "render", 10, kCore, 1);
  b.layer(high, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: high 4, low 0
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, high), 4);
  EXPECT_EQ(framesOfJob(plan, low), 0);
}

TEST(PlanTest, OlderJobFirstAtEqualPriority) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index young = b.job("film", "young", 5, 200);
  Index old = b.job("film", "old", 5, 100);
  b.layer(young, "render", 10, kCore, 1);
  b.layer(old, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: old 4, young 0
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, old), 4);
  EXPECT_EQ(framesOfJob(plan, young), 0);
}

TEST(PlanTest, PriorityBeatsAge) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index old = b.job("film", "old", 1, 100);
  Index young = b.job("film", "young", 2, 200);
  b.layer(old, "render", 10, kCore, 1);
  b.layer(young, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: young 4 (priority 2 > 1), old 0
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, young), 4);
}

TEST(PlanTest, JobBelowMinCoresFirst) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index high = b.job("film", "high", 10);
  Index low = b.job("film", "low", 1);
  b.jobRef(low).min_cores = 2 * kCore;
  b.layer(high, "render", 10, kCore, 1);
  b.layer(low, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: low 2 (up to its min cores), then high 2
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, low), 2);
  EXPECT_EQ(framesOfJob(plan, high), 2);
  EXPECT_EQ(plan.bookings[0].job, low);
  EXPECT_EQ(plan.bookings[1].job, low);
}

TEST(PlanTest, LayersInDispatchOrder) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index first = b.layer(j, "first", 3, kCore, 1);
  Index second = b.layer(j, "second", 3, kCore, 1);
  FarmView farm = b.build();
  // expected: first 3, second 1
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, first), 3);
  EXPECT_EQ(framesOfLayer(plan, second), 1);
}

TEST(PlanTest, LayerThatDoesNotFitLetsNextLayerRun) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index big = b.layer(j, "big", 3, kCore, 32);
  Index small = b.layer(j, "small", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: big 0 ("too small"), small 4
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, big), 0);
  EXPECT_EQ(framesOfLayer(plan, small), 4);
}

TEST(PlanTest, JobMaxCoresCaps) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_cores = 3 * kCore;
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: 3 frames, then "job at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 3);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kJobAtMaxCores));
}

TEST(PlanTest, JobMaxCoresCapsWholeHostFrames) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_cores = 4 * kCore;
  Index l = b.layer(j, "sim", 2, 0, 4);  // the whole host: 16 cores
  FarmView farm = b.build();
  // expected: nothing (16 cores > max 4), "job at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kJobAtMaxCores));
}

TEST(PlanTest, JobMaxCoresCountsRunningFrames) {
  FarmBuilder b = oneShow();
  Index h1 = b.host("h1", "local.general", 16 * kCore, 64);
  Index h2 = b.host("h2", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_cores = 5 * kCore;
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 3; ++i) bookHead(farm, l, h1, kCore, 0);
  // expected: 2 more frames on h2
  EXPECT_EQ(framesOfLayer(planHost(farm, h2, Config{}, kNow), l), 2);
}

TEST(PlanTest, JobMaxGpusCaps) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).gpus = 4;
  b.hostRef(h).gpu_memory = 64 * kGb;
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_gpus = 2;
  Index l = b.layer(j, "ml", 10, kCore, 1);
  b.layerRef(l).min_gpus = 1;
  FarmView farm = b.build();
  // expected: 2 frames, then "job at max gpus"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kJobAtMaxGpus));
}

TEST(PlanTest, PausedJobBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index paused = b.job("film", "paused", 10);
  b.jobRef(paused).paused = true;
  Index pl = b.layer(paused, "render", 10, kCore, 1);
  Index other = b.job("film", "other", 1);
  b.layer(other, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: paused 0 ("paused"), other 4
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, paused), 0);
  EXPECT_EQ(framesOfJob(plan, other), 4);
  EXPECT_TRUE(skipped(plan, pl, SkipReason::kJobPaused));
}

TEST(PlanTest, FinishedJobBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "done", 1);
  b.jobRef(j).active = false;
  b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing
  EXPECT_TRUE(planHost(farm, h, Config{}, kNow).bookings.empty());
}

TEST(PlanTest, DependHeldLayerWaits) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index comp = b.layer(j, "comp", 0, kCore, 1);
  b.layerRef(comp).depend_frames = 5;
  FarmView farm = b.build();
  // expected: nothing, "depend"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, comp, SkipReason::kDependWait));
}

// ---------------------------------------------------------------------------------------
// Folders (groups)

}  // namespace
}  // namespace cue::dispatch

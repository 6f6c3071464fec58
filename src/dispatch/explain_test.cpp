// Unit tests of explainJob (explain.h): the job-wide reason a layer cannot book, or how
// many hosts could take its next frame and why the others cannot.
#include "dispatch/explain.h"

#include <gtest/gtest.h>

#include <string>

#include "dispatch/farm_builder.h"
#include "dispatch/plan.h"

namespace cue::dispatch {
namespace {

constexpr CoreUnits kCore = core::kCoreUnitsPerCore;
constexpr MemoryKb kGb = core::kKbPerGb;
constexpr EpochSec kNow = 1000;
constexpr CoreUnits kHuge = 1000 * kCore;
constexpr const char* kBookable =
    " (bookable now: waits for the next dispatch or for work ahead of it)";

FarmBuilder oneShow(CoreUnits size = kHuge, CoreUnits burst = kHuge) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.show("film", {{"local.general", size, burst}});
  return b;
}

int count(const LayerExplanation& e, SkipReason r) {
  return e.host_counts[static_cast<int>(r)];
}

Index bookHead(FarmView& farm, Index layer, Index host, CoreUnits cores) {
  const LayerView& l = farm.layers[layer];
  Booking b;
  b.host = host;
  b.job = l.job;
  b.layer = layer;
  b.frame_id = l.waiting[l.waiting_head].id;
  b.cores = cores;
  b.memory = l.min_memory;
  return applyBooking(farm, b, "proc-" + b.frame_id, 0);
}

TEST(ExplainTest, NoSuchJob) {
  FarmView farm = oneShow().build();
  JobExplanation e = explainJob(farm, 3, Config{}, kNow);
  EXPECT_EQ(e.summary, "no such job");
  EXPECT_TRUE(e.layers.empty());
}

TEST(ExplainTest, FinishedJob) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 2, kCore, 1);
  b.jobRef(j).active = false;
  FarmView farm = b.build();
  // expected: "job is finished"; the layer blocked as finished
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  EXPECT_EQ(e.summary, "job is finished");
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].layer, l);
  EXPECT_EQ(e.layers[0].blocked, SkipReason::kJobFinished);
}

TEST(ExplainTest, PausedJobBlocksEveryLayer) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 2, kCore, 1);
  b.layer(j, "comp", 3, kCore, 1);
  b.jobRef(j).paused = true;
  FarmView farm = b.build();
  // expected: both layers "job is paused", no hosts counted
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 2u);
  for (const auto& le : e.layers) {
    EXPECT_EQ(le.blocked, SkipReason::kJobPaused);
    EXPECT_EQ(le.hosts_total, 0);
    EXPECT_EQ(le.summary, "job is paused");
  }
  EXPECT_EQ(e.summary, "job is paused");
}

TEST(ExplainTest, DependHeldLayer) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "comp", 0, kCore, 1);
  b.layerRef(l).depend_frames = 5;
  FarmView farm = b.build();
  // expected: "frames wait on depends (5 frames)"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].blocked, SkipReason::kDependWait);
  EXPECT_EQ(e.layers[0].depend, 5);
  EXPECT_EQ(e.layers[0].waiting, 0);
  EXPECT_EQ(e.layers[0].summary, "frames wait on depends (5 frames)");
  EXPECT_EQ(e.summary, "frames wait on depends (5 frames)");
}

TEST(ExplainTest, EveryRemainingFrameRunning) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 2, kCore, 1);
  FarmView farm = b.build();
  bookHead(farm, l, h, kCore);
  bookHead(farm, l, h, kCore);
  // expected: no layer listed; "every remaining frame is running"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  EXPECT_TRUE(e.layers.empty());
  EXPECT_EQ(e.summary, "every remaining frame is running");
}

TEST(ExplainTest, NoFramesLeft) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 0, kCore, 1);
  FarmView farm = b.build();
  // expected: "no frames left"
  EXPECT_EQ(explainJob(farm, j, Config{}, kNow).summary, "no frames left");
}

TEST(ExplainTest, CountsHostsPerReason) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16, {"desktop"});
  b.host("h2", "local.general", 4 * kCore, 16, {"desktop"});
  b.host("h3", "local.general", 4 * kCore, 4, {"farm"});   // too little memory
  b.host("h4", "local.general", 4 * kCore, 16, {"farm"});  // fits
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 3, kCore, 8, {"farm"});
  FarmView farm = b.build();
  // expected: 1/4 hosts fit; 2 lack the tag, 1 is too small
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  const LayerExplanation& le = e.layers[0];
  EXPECT_EQ(le.layer, l);
  EXPECT_FALSE(le.blocked.has_value());
  EXPECT_EQ(le.hosts_total, 4);
  EXPECT_EQ(le.hosts_fit, 1);
  EXPECT_EQ(count(le, SkipReason::kTagMismatch), 2);
  EXPECT_EQ(count(le, SkipReason::kHostTooSmall), 1);
  EXPECT_EQ(le.summary, std::string("1/4 hosts: 2 lack tag, 1 too small") + kBookable);
  EXPECT_EQ(e.summary, "1 layer(s) can be booked now");
}

TEST(ExplainTest, SummaryOrdersReasonsByCountThenReason) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 4, {"farm"});
  b.host("h2", "local.general", 4 * kCore, 4, {"farm"});
  b.host("h3", "local.general", 4 * kCore, 4, {"farm"});
  b.host("h4", "local.general", 4 * kCore, 16);
  b.host("h5", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 3, kCore, 8, {"farm"});
  FarmView farm = b.build();
  // expected: "0/5 hosts: 3 too small, 2 lack tag" (more first)
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].summary, "0/5 hosts: 3 too small, 2 lack tag");
  EXPECT_EQ(e.summary, "0/5 hosts: 3 too small, 2 lack tag");
}

TEST(ExplainTest, HostStatesCounted) {
  FarmBuilder b = oneShow();
  Index down = b.host("h1", "local.general", 4 * kCore, 16);
  Index locked = b.host("h2", "local.general", 4 * kCore, 16);
  Index nimby = b.host("h3", "local.general", 4 * kCore, 16);
  b.hostRef(down).up = false;
  b.hostRef(locked).locked = true;
  b.hostRef(nimby).nimby = true;
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 3, kCore, 1);
  FarmView farm = b.build();
  // expected: "0/3 hosts: 1 down, 1 locked, 1 nimby"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(count(e.layers[0], SkipReason::kHostDown), 1);
  EXPECT_EQ(count(e.layers[0], SkipReason::kHostLocked), 1);
  EXPECT_EQ(count(e.layers[0], SkipReason::kHostNimby), 1);
  EXPECT_EQ(e.layers[0].summary, "0/3 hosts: 1 down, 1 locked, 1 nimby");
}

TEST(ExplainTest, NoSubscriptionCountedPerHost) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.alloc("local.other", "other");
  b.show("film", {{"local.general", kHuge, kHuge}});
  b.host("h1", "local.general", 4 * kCore, 16);
  b.host("h2", "local.other", 4 * kCore, 16);
  b.host("h3", "local.other", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 3, kCore, 1);
  FarmView farm = b.build();
  // expected: 1/3 hosts fit, 2 "no subscription"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].hosts_fit, 1);
  EXPECT_EQ(count(e.layers[0], SkipReason::kNoSubscription), 2);
}

TEST(ExplainTest, ShowAtBurstCountedPerHost) {
  FarmBuilder b = oneShow(2 * kCore, 2 * kCore);
  Index h1 = b.host("h1", "local.general", 4 * kCore, 16);
  b.host("h2", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 5, kCore, 1);
  FarmView farm = b.build();
  bookHead(farm, l, h1, kCore);
  bookHead(farm, l, h1, kCore);
  // expected: "0/2 hosts: 2 show at burst"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].running, 2);
  EXPECT_EQ(e.layers[0].waiting, 3);
  EXPECT_EQ(e.layers[0].summary, "0/2 hosts: 2 show at burst");
}

TEST(ExplainTest, JobAtMaxCoresIsJobWide) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.jobRef(j).max_cores = 2 * kCore;
  Index l = b.layer(j, "render", 5, kCore, 1);
  FarmView farm = b.build();
  bookHead(farm, l, h, kCore);
  bookHead(farm, l, h, kCore);
  // expected: blocked "job is at its max cores"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].blocked, SkipReason::kJobAtMaxCores);
  EXPECT_EQ(e.summary, "job is at its max cores");
}

TEST(ExplainTest, LimitReachedIsJobWide) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16);
  Index lim = b.limit("nuke", 1);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "comp", 5, kCore, 1);
  b.layerRef(l).limits.push_back(lim);
  FarmView farm = b.build();
  bookHead(farm, l, h, kCore);
  // expected: blocked "limit reached"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].blocked, SkipReason::kLimitReached);
  EXPECT_EQ(e.summary, "limit reached");
}

TEST(ExplainTest, ShowBookingDisabledIsJobWide) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 5, kCore, 1);
  FarmView farm = b.build();
  farm.shows[0].booking_enabled = false;
  // expected: "show booking is disabled"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].blocked, SkipReason::kShowBookingDisabled);
  EXPECT_EQ(e.summary, "show booking is disabled");
}

TEST(ExplainTest, KeptForGpuWorkCounted) {
  FarmBuilder b = oneShow();
  Index h = b.host("g1", "local.general", 1 * kCore, 16);
  b.hostRef(h).gpus = 1;
  b.hostRef(h).gpu_memory = 16 * kGb;
  Index cpu = b.job("film", "cpu", 1);
  b.layer(cpu, "render", 5, kCore, 1);
  Index gpu = b.job("film", "gpu", 1);
  Index gl = b.layer(gpu, "ml", 5, kCore, 1);
  b.layerRef(gl).min_gpus = 1;
  FarmView farm = b.build();
  // expected for the CPU job: "0/1 hosts: 1 kept for gpu work"; the GPU job fits
  JobExplanation e = explainJob(farm, cpu, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].summary, "0/1 hosts: 1 kept for gpu work");
  EXPECT_EQ(explainJob(farm, gpu, Config{}, kNow).layers[0].hosts_fit, 1);
}

TEST(ExplainTest, ReservedHostCounted) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 16);
  Index wide = b.job("film", "wide", 1);
  Index wl = b.layer(wide, "sim", 1, 8 * kCore, 1);
  Index j = b.job("film", "long", 1);
  b.layer(j, "render", 5, kCore, 1);  // expected to run 3600 s (no history)
  FarmView farm = b.build();
  farm.reservations.push_back({h, wl, kNow, kNow + 60});
  // expected: "0/1 hosts: 1 reserved"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 1u);
  EXPECT_EQ(e.layers[0].summary, "0/1 hosts: 1 reserved");
}

TEST(ExplainTest, ReadyLayersCounted) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 4 * kCore, 16);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 5, kCore, 1);
  b.layer(j, "comp", 5, kCore, 1);
  b.layer(j, "huge", 5, kCore, 64);
  FarmView farm = b.build();
  // expected: 2 layers bookable now, the third "0/1 hosts: 1 too small"
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 3u);
  EXPECT_EQ(e.layers[2].summary, "0/1 hosts: 1 too small");
  EXPECT_EQ(e.summary, "2 layer(s) can be booked now");
}

TEST(ExplainTest, AgreesWithPlanner) {
  FarmBuilder b = oneShow();
  b.host("h1", "local.general", 8 * kCore, 16, {"farm"});
  b.host("h2", "local.general", 8 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index fits = b.layer(j, "render", 2, kCore, 32);  // only h2 has the memory
  Index never = b.layer(j, "tagged", 2, kCore, 1, {"gpu"});
  FarmView farm = b.build();
  // expected: "render" fits 1/2 hosts and the planner books it; "tagged" fits none
  JobExplanation e = explainJob(farm, j, Config{}, kNow);
  ASSERT_EQ(e.layers.size(), 2u);
  EXPECT_EQ(e.layers[0].hosts_fit, 1);
  EXPECT_EQ(e.layers[1].hosts_fit, 0);
  Plan plan = planFarm(farm, Config{}, kNow);
  int booked_fits = 0, booked_never = 0;
  for (const auto& bk : plan.bookings) {
    booked_fits += bk.layer == fits;
    booked_never += bk.layer == never;
  }
  EXPECT_EQ(booked_fits, 2);
  EXPECT_EQ(booked_never, 0);
}

}  // namespace
}  // namespace cue::dispatch

// The planner's rules, one scenario per rule: folders, limits, show switches, caps, reservations and backfill, random farms.
#include "dispatch/plan_test_util.h"

namespace cue::dispatch {
namespace {

using namespace plan_test;  // NOLINT(build/namespaces)

TEST(PlanTest, GroupMaxCoresCapsTree) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index g = b.group("film", "seq", kNone, 0, 3 * kCore);
  Index sub = b.group("film", "shot", g, 0, -1);
  Index in_g = b.job("film", "in-g", 1, 0, g);
  Index in_sub = b.job("film", "in-sub", 2, 0, sub);
  b.layer(in_g, "render", 10, kCore, 1);
  Index sl = b.layer(in_sub, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: 3 frames in all (in-sub first, by priority), then "group at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, in_sub) + framesOfJob(plan, in_g), 3);
  EXPECT_EQ(framesOfJob(plan, in_sub), 3);
  EXPECT_TRUE(skipped(plan, sl, SkipReason::kGroupAtMaxCores));
}

TEST(PlanTest, SubfolderRunningFramesCountTowardParentCap) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index g = b.group("film", "seq", kNone, 0, 4 * kCore);
  Index sub = b.group("film", "shot", g, 0, -1);
  Index in_g = b.job("film", "in-g", 1, 0, g);
  Index in_sub = b.job("film", "in-sub", 1, 0, sub);
  Index gl = b.layer(in_g, "render", 10, kCore, 1);
  Index sl = b.layer(in_sub, "render", 10, kCore, 1);
  FarmView farm = b.build();
  for (int i = 0; i < 3; ++i) bookHead(farm, sl, h, kCore, 0);
  EXPECT_EQ(farm.groups[g].used, 3 * kCore);
  // expected: 1 more frame in the folder tree
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, gl) + framesOfLayer(plan, sl), 1);
}

TEST(PlanTest, GroupMaxZeroBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index g = b.group("film", "frozen", kNone, 0, 0);
  Index j = b.job("film", "job", 1, 0, g);
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: nothing, "group at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kGroupAtMaxCores));
}

TEST(PlanTest, GroupMaxCoresCapsWholeHostFrames) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index g = b.group("film", "seq", kNone, 0, 8 * kCore);
  Index j = b.job("film", "job", 1, 0, g);
  Index l = b.layer(j, "sim", 2, 0, 4);  // 16 cores here
  FarmView farm = b.build();
  // expected: nothing (16 > 8), "group at max cores"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kGroupAtMaxCores));
}

TEST(PlanTest, GroupBelowMinFirst) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index g = b.group("film", "urgent", kNone, 3 * kCore, -1);
  Index high = b.job("film", "high", 10);
  Index in_g = b.job("film", "in-g", 1, 0, g);
  b.layer(high, "render", 10, kCore, 1);
  b.layer(in_g, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: in-g 3 (up to its folder's min), then high 1
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, in_g), 3);
  EXPECT_EQ(framesOfJob(plan, high), 1);
}

TEST(PlanTest, JobBelowMinBeforeGroupBelowMin) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index g = b.group("film", "urgent", kNone, 4 * kCore, -1);
  Index in_g = b.job("film", "in-g", 10, 0, g);
  Index job_min = b.job("film", "job-min", 1);
  b.jobRef(job_min).min_cores = 2 * kCore;
  b.layer(in_g, "render", 10, kCore, 1);
  b.layer(job_min, "render", 10, kCore, 1);
  FarmView farm = b.build();
  // expected: job-min 2 first (job below min), then in-g 2 (folder below min)
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_EQ(plan.bookings.size(), 4u);
  EXPECT_EQ(plan.bookings[0].job, job_min);
  EXPECT_EQ(plan.bookings[1].job, job_min);
  EXPECT_EQ(framesOfJob(plan, in_g), 2);
}

// ---------------------------------------------------------------------------------------
// Limits

TEST(PlanTest, LimitAcrossTwoJobsNeverLetsThreeRun) {
  FarmBuilder b = oneShow();
  Index h1 = b.host("h1", "local.general", 16 * kCore, 64);
  b.host("h2", "local.general", 16 * kCore, 64);
  Index lim = b.limit("nuke", 2);
  Index j1 = b.job("film", "j1", 1);
  Index j2 = b.job("film", "j2", 1);
  Index l1 = b.layer(j1, "comp", 10, kCore, 1);
  Index l2 = b.layer(j2, "comp", 10, kCore, 1);
  b.layerRef(l1).limits.push_back(lim);
  b.layerRef(l2).limits.push_back(lim);
  FarmView farm = b.build();
  // expected: 2 frames in all, then "limit reached"
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(plan.bookings.size(), 2u);
  Plan host_plan = planHost(farm, h1, Config{}, kNow);
  EXPECT_EQ(host_plan.bookings.size(), 2u);
  EXPECT_TRUE(skipped(host_plan, l1, SkipReason::kLimitReached) ||
              skipped(host_plan, l2, SkipReason::kLimitReached));
  applyAll(farm, plan, kNow);
  EXPECT_EQ(farm.limits[lim].running, 2);
  EXPECT_TRUE(auditFarm(farm).empty());
}

TEST(PlanTest, LimitCountsFramesNotCores) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index lim = b.limit("katana", 2);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, 4 * kCore, 1);
  b.layerRef(l).limits.push_back(lim);
  FarmView farm = b.build();
  // expected: 2 frames of 4 cores (8 cores, 2 frames of the limit 2)
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 2);
  EXPECT_EQ(coresOfJob(plan, j), 8 * kCore);
}

TEST(PlanTest, RunningFramesCountTowardLimit) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index lim = b.limit("nuke", 3);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "comp", 10, kCore, 1);
  b.layerRef(l).limits.push_back(lim);
  FarmView farm = b.build();
  bookHead(farm, l, h, kCore, 0);
  bookHead(farm, l, h, kCore, 0);
  // expected: 1 more frame
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kLimitReached));
}

TEST(PlanTest, LimitOnlyHoldsItsLayers) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index lim = b.limit("nuke", 1);
  Index j = b.job("film", "job", 1);
  Index limited = b.layer(j, "comp", 10, kCore, 1);
  Index free = b.layer(j, "render", 10, kCore, 1);
  b.layerRef(limited).limits.push_back(lim);
  FarmView farm = b.build();
  // expected: comp 1, render 3
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfLayer(plan, limited), 1);
  EXPECT_EQ(framesOfLayer(plan, free), 3);
}

// ---------------------------------------------------------------------------------------
// Show switches

TEST(PlanTest, ShowBookingDisabledBooksNothing) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  Index film = b.show("film", {{"local.general", kHuge, kHuge}});
  b.show("tv", {{"local.general", kHuge, kHuge}});
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index fj = b.job("film", "film-job", 1);
  Index fl = b.layer(fj, "render", 10, kCore, 1);
  Index tj = b.job("tv", "tv-job", 1);
  b.layer(tj, "render", 10, kCore, 1);
  FarmView farm = b.build();
  farm.shows[film].booking_enabled = false;
  // expected: film 0 ("booking disabled"), tv 4
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_EQ(framesOfJob(plan, fj), 0);
  EXPECT_EQ(framesOfJob(plan, tj), 4);
  EXPECT_TRUE(skipped(plan, fl, SkipReason::kShowBookingDisabled));
}

TEST(PlanTest, ShowDispatchDisabledBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  farm.shows[0].dispatch_enabled = false;
  // expected: nothing, "booking disabled"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kShowBookingDisabled));
}

TEST(PlanTest, InactiveShowBooksNothing) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 10, kCore, 1);
  FarmView farm = b.build();
  farm.shows[0].active = false;
  // expected: nothing, "show inactive"
  Plan plan = planHost(farm, h, Config{}, kNow);
  EXPECT_TRUE(plan.bookings.empty());
  EXPECT_TRUE(skipped(plan, l, SkipReason::kShowInactive));
  EXPECT_TRUE(planFarm(farm, Config{}, kNow).bookings.empty());
}

// ---------------------------------------------------------------------------------------
// Booking cap

TEST(PlanTest, MaxBookingsPerHostCaps) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  Config config;
  config.max_bookings_per_host = 3;
  // expected: 3 frames, then "booking cap"
  Plan plan = planHost(farm, h, config, kNow);
  EXPECT_EQ(framesOfLayer(plan, l), 3);
  EXPECT_TRUE(skipped(plan, l, SkipReason::kHostBookingCap));
}

TEST(PlanTest, MaxBookingsPerHostAppliesPerHostInPlanFarm) {
  FarmBuilder b = oneShow();
  Index h1 = b.host("h1", "local.general", 16 * kCore, 64);
  Index h2 = b.host("h2", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  Config config;
  config.max_bookings_per_host = 5;
  // expected: 5 on each host
  Plan plan = planFarm(farm, config, kNow);
  EXPECT_EQ(framesOnHost(plan, h1), 5);
  EXPECT_EQ(framesOnHost(plan, h2), 5);
}

// ---------------------------------------------------------------------------------------
// planFarm

TEST(PlanTest, PlanFarmFillsEveryHost) {
  FarmBuilder b = oneShow();
  Index h1 = b.host("h1", "local.general", 4 * kCore, 64);
  Index h2 = b.host("h2", "local.general", 8 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 100, kCore, 1);
  FarmView farm = b.build();
  // expected: h1 4, h2 8; h2 (more idle cores) planned first
  Plan plan = planFarm(farm, Config{}, kNow);
  EXPECT_EQ(framesOnHost(plan, h1), 4);
  EXPECT_EQ(framesOnHost(plan, h2), 8);
  EXPECT_EQ(plan.bookings.front().host, h2);
  EXPECT_TRUE(plan.skipped.empty());  // planFarm keeps no reasons
}

// A plan stopped at max_bookings is the first hosts of the whole plan, booked as the whole
// plan books them, and keeps the farm's reservations.
TEST(PlanTest, PlanFarmStoppedAtMaxBookingsIsThePrefixOfTheWholePlan) {
  FarmBuilder b = oneShow();
  for (int i = 0; i < 6; ++i)
    b.host("h" + std::to_string(i), "local.general", (2 + i) * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 100, kCore, 1);
  Index k = b.job("film", "other", 1);
  b.layer(k, "render", 100, 2 * kCore, 1);
  FarmView farm = b.build();
  farm.reservations.push_back({0, 0, kNow - 10, kNow + 100});
  Plan whole = planFarm(farm, Config{}, kNow);
  ASSERT_TRUE(whole.complete);
  Plan part = planFarm(farm, Config{}, kNow, 9);
  EXPECT_FALSE(part.complete);
  // expected: hosts planned whole until 9 bookings or more
  ASSERT_GE(part.bookings.size(), 9u);
  ASSERT_LT(part.bookings.size(), whole.bookings.size());
  for (size_t i = 0; i < part.bookings.size(); ++i) {
    EXPECT_EQ(part.bookings[i].host, whole.bookings[i].host) << i;
    EXPECT_EQ(part.bookings[i].frame_id, whole.bookings[i].frame_id) << i;
  }
  EXPECT_NE(part.bookings.back().host, whole.bookings[part.bookings.size()].host);
  ASSERT_EQ(part.reservations.size(), 1u);  // the farm's, kept
  EXPECT_EQ(part.reservations[0].host, 0);
  EXPECT_TRUE(planFarm(farm, Config{}, kNow, whole.bookings.size() + 1).complete);
}

TEST(PlanTest, PlanFarmNeverBooksFrameTwice) {
  FarmBuilder b = oneShow();
  for (int i = 0; i < 5; ++i) b.host("h" + std::to_string(i), "local.general", 4 * kCore, 64);
  Index j = b.job("film", "job", 1);
  b.layer(j, "render", 13, kCore, 1);
  FarmView farm = b.build();
  // expected: 13 distinct frames
  Plan plan = planFarm(farm, Config{}, kNow);
  std::set<std::string> ids;
  for (const auto& bk : plan.bookings) ids.insert(bk.frame_id);
  EXPECT_EQ(plan.bookings.size(), 13u);
  EXPECT_EQ(ids.size(), 13u);
}

TEST(PlanTest, PlanDoesNotChangeTheView) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 40, kCore, 1);
  FarmView farm = b.build();
  planFarm(farm, Config{}, kNow);
  planHost(farm, h, Config{}, kNow);
  // expected: counters untouched
  EXPECT_EQ(farm.hosts[h].used_cores, 0);
  EXPECT_EQ(farm.layers[l].waiting_head, 0u);
  EXPECT_EQ(farm.subs[0].used, 0);
  EXPECT_TRUE(farm.procs.empty());
}

// ---------------------------------------------------------------------------------------
// Reservations for wide frames

// Two 32-core hosts busy with 1-core frames of "busy" (expected to run 1000 s): those on
// h1 started at t=0 (end at 1000), those on h0 at t=200 (end at 1200). A 32-core frame
// of "wide" waits; "long" (5000 s, priority 20) and "short" (300 s, priority 10) too.
struct WideFarm {
  FarmView farm;
  Index h0, h1, busy, wide, long_layer, short_layer;
  std::vector<Index> h0_procs, h1_procs;
};

WideFarm wideFarm(int wide_frames = 1, CoreUnits wide_cores = 32 * kCore,
                  CoreUnits burst = 128 * kCore) {
  FarmBuilder b = oneShow(64 * kCore, burst);
  WideFarm f;
  f.h0 = b.host("h0", "local.general", 32 * kCore, 128);
  f.h1 = b.host("h1", "local.general", 32 * kCore, 128);
  Index busy = b.job("film", "busy", 1, 0);
  f.busy = b.layer(busy, "render", 64, kCore, 1);
  b.layerRef(f.busy).avg_frame_sec = 1000;
  Index wide = b.job("film", "wide", 1, 10);
  f.wide = b.layer(wide, "sim", wide_frames, wide_cores, 8);
  b.layerRef(f.wide).avg_frame_sec = 100;
  Index lj = b.job("film", "long", 20, 20);
  f.long_layer = b.layer(lj, "render", 10, kCore, 1);
  b.layerRef(f.long_layer).avg_frame_sec = 5000;
  Index sj = b.job("film", "short", 10, 30);
  f.short_layer = b.layer(sj, "render", 10, kCore, 1);
  b.layerRef(f.short_layer).avg_frame_sec = 300;
  f.farm = b.build();
  for (int i = 0; i < 32; ++i) f.h1_procs.push_back(bookHead(f.farm, f.busy, f.h1, kCore, 0));
  for (int i = 0; i < 32; ++i) f.h0_procs.push_back(bookHead(f.farm, f.busy, f.h0, kCore, 200));
  return f;
}

TEST(PlanTest, PlanFarmReservesHostThatFreesSoonest) {
  WideFarm f = wideFarm();
  // expected: no booking; one reservation on h1 (free at 1000, h0 only at 1200)
  Plan plan = planFarm(f.farm, Config{}, 600);
  EXPECT_TRUE(plan.bookings.empty());
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
  EXPECT_EQ(plan.reservations[0].layer, f.wide);
  EXPECT_EQ(plan.reservations[0].since, 600);
  EXPECT_EQ(plan.reservations[0].ready_at, 1000);
}

TEST(PlanTest, WholeHostFrameGetsReservation) {
  WideFarm f = wideFarm(1, 0);  // min_cores 0: the whole host
  // expected: one reservation on h1, ready at 1000
  Plan plan = planFarm(f.farm, Config{}, 600);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
  EXPECT_EQ(plan.reservations[0].ready_at, 1000);
}

TEST(PlanTest, OneReservationPerWaitingWideFrame) {
  WideFarm f = wideFarm(2);
  // expected: h1 (ready 1000) and h0 (ready 1200)
  Plan plan = planFarm(f.farm, Config{}, 600);
  ASSERT_EQ(plan.reservations.size(), 2u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
  EXPECT_EQ(plan.reservations[0].ready_at, 1000);
  EXPECT_EQ(plan.reservations[1].host, f.h0);
  EXPECT_EQ(plan.reservations[1].ready_at, 1200);
}

TEST(PlanTest, MaxReservationsPerAllocation) {
  WideFarm f = wideFarm(2);
  Config config;
  config.max_reservations_per_alloc = 1;
  // expected: only the reservation on h1
  Plan plan = planFarm(f.farm, config, 600);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
}

TEST(PlanTest, NoReservationBeyondBurst) {
  WideFarm f = wideFarm(1, 32 * kCore, 80 * kCore);  // 64 held + 32 > 80
  // expected: no reservation
  EXPECT_TRUE(planFarm(f.farm, Config{}, 600).reservations.empty());
}

TEST(PlanTest, NoReservationWhenWideFrameFitsNow) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 32 * kCore, 128);
  Index j = b.job("film", "wide", 1);
  Index l = b.layer(j, "sim", 1, 32 * kCore, 8);
  FarmView farm = b.build();
  // expected: the frame is booked on h1, nothing reserved
  Plan plan = planFarm(farm, Config{}, kNow);
  ASSERT_EQ(framesOfLayer(plan, l), 1);
  EXPECT_EQ(plan.bookings[0].host, h);
  EXPECT_TRUE(plan.reservations.empty());
}

TEST(PlanTest, NoReservationForOneCoreWork) {
  WideFarm f = wideFarm(0);  // only 1-core frames wait
  // expected: no reservation
  EXPECT_TRUE(planFarm(f.farm, Config{}, 600).reservations.empty());
}

TEST(PlanTest, ReservedHostBackfillsShortWork) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  for (int i = 0; i < 4; ++i) releaseProc(f.farm, f.h1_procs[i]);
  // 4 cores free on h1 until 1000
  // expected: 4 "short" frames (600 + 300 <= 1000); "long" (600 + 5000) refused
  Plan plan = planHost(f.farm, f.h1, Config{}, 600);
  EXPECT_EQ(framesOfLayer(plan, f.short_layer), 4);
  EXPECT_EQ(plan.bookings.size(), 4u);
  EXPECT_TRUE(skipped(plan, f.long_layer, SkipReason::kReservedForWideFrame));
}

TEST(PlanTest, BackfillEndingExactlyWhenReadyIsAllowed) {
  WideFarm f = wideFarm();
  f.farm.layers[f.short_layer].avg_frame_sec = 400;
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  for (int i = 0; i < 2; ++i) releaseProc(f.farm, f.h1_procs[i]);
  // expected: 2 "short" frames (600 + 400 = 1000 = ready_at)
  EXPECT_EQ(framesOfLayer(planHost(f.farm, f.h1, Config{}, 600), f.short_layer), 2);
}

TEST(PlanTest, WithoutReservationLongWorkTakesFreedCores) {
  WideFarm f = wideFarm();
  for (int i = 0; i < 4; ++i) releaseProc(f.farm, f.h1_procs[i]);
  // no reservation held; expected: 4 "long" frames (priority 20)
  Plan plan = planHost(f.farm, f.h1, Config{}, 600);
  EXPECT_EQ(framesOfLayer(plan, f.long_layer), 4);
}

TEST(PlanTest, UnreservedHostTakesLongWork) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;  // on h1
  for (int i = 0; i < 2; ++i) releaseProc(f.farm, f.h0_procs[i]);
  // expected: 2 "long" frames on h0
  EXPECT_EQ(framesOfLayer(planHost(f.farm, f.h0, Config{}, 600), f.long_layer), 2);
}

TEST(PlanTest, ReservedWideFrameBookedOnceProcsReleased) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  for (Index p : f.h1_procs) releaseProc(f.farm, p);
  // h1 is empty at 1000; "long" has a higher priority, but the reserved frame goes first
  // expected: the wide frame, 32 cores, and nothing else
  Plan plan = planHost(f.farm, f.h1, Config{}, 1000);
  ASSERT_EQ(plan.bookings.size(), 1u);
  EXPECT_EQ(plan.bookings[0].layer, f.wide);
  EXPECT_EQ(plan.bookings[0].cores, 32 * kCore);
  applyAll(f.farm, plan, 1000);
  EXPECT_TRUE(f.farm.reservations.empty());  // used up
  EXPECT_TRUE(auditFarm(f.farm).empty());
}

TEST(PlanTest, ReservedWideFrameWaitsWhileTooFewProcsReleased) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  for (int i = 0; i < 31; ++i) releaseProc(f.farm, f.h1_procs[i]);
  // 31 of 32 cores free at 990: the wide frame does not fit, short work fits before 1000
  // expected: no wide frame; "short" frames (990 + 300 > 1000) refused too; nothing
  Plan plan = planHost(f.farm, f.h1, Config{}, 990);
  EXPECT_EQ(framesOfLayer(plan, f.wide), 0);
  EXPECT_TRUE(skipped(plan, f.wide, SkipReason::kNotEnoughCores));
  EXPECT_TRUE(plan.bookings.empty());
}

TEST(PlanTest, PlanFarmKeepsReservation) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  // expected: the same reservation, since 600, ready at 1000
  Plan plan = planFarm(f.farm, Config{}, 700);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
  EXPECT_EQ(plan.reservations[0].since, 600);
  EXPECT_EQ(plan.reservations[0].ready_at, 1000);
}

TEST(PlanTest, PlanFarmBackfillsReservedHost) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  for (int i = 0; i < 4; ++i) releaseProc(f.farm, f.h1_procs[i]);
  // expected: 4 "short" frames on h1 (none of "long"); the reservation kept
  Plan plan = planFarm(f.farm, Config{}, 600);
  EXPECT_EQ(framesOfLayer(plan, f.short_layer), 4);
  EXPECT_EQ(framesOfLayer(plan, f.long_layer), 0);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h1);
  EXPECT_EQ(plan.reservations[0].ready_at, 1000);
}

TEST(PlanTest, ReservationMovesWhenHostGoesDown) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  f.farm.hosts[f.h1].up = false;
  // expected: the reservation moves to h0, ready at 1200
  Plan plan = planFarm(f.farm, Config{}, 600);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].host, f.h0);
  EXPECT_EQ(plan.reservations[0].ready_at, 1200);
}

TEST(PlanTest, ReservationDroppedWhenJobPaused) {
  WideFarm f = wideFarm();
  f.farm.reservations = planFarm(f.farm, Config{}, 600).reservations;
  f.farm.jobs[f.farm.layers[f.wide].job].paused = true;
  // expected: no reservation
  EXPECT_TRUE(planFarm(f.farm, Config{}, 600).reservations.empty());
}

// ---------------------------------------------------------------------------------------
// applyBooking / releaseProc

TEST(PlanTest, ApplyBookingUpdatesEveryCounter) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  b.hostRef(h).gpus = 2;
  b.hostRef(h).gpu_memory = 32 * kGb;
  b.hostRef(h).slots = 4;
  Index g = b.group("film", "seq", kNone, 0, -1);
  Index lim = b.limit("nuke", 5);
  Index j = b.job("film", "job", 1, 0, g);
  Index l = b.layer(j, "render", 3, 2 * kCore, 4);
  b.layerRef(l).min_gpus = 1;
  b.layerRef(l).min_gpu_memory = 8 * kGb;
  b.layerRef(l).slots_required = 1;
  b.layerRef(l).limits.push_back(lim);
  FarmView farm = b.build();
  Plan plan = planHost(farm, h, Config{}, kNow);
  ASSERT_FALSE(plan.bookings.empty());
  Index p = applyBooking(farm, plan.bookings[0], "p1", kNow);
  // expected: every counter holds one frame of 2 cores, 4 GB, 1 GPU, 8 GB GPU, 1 slot
  EXPECT_EQ(farm.hosts[h].used_cores, 2 * kCore);
  EXPECT_EQ(farm.hosts[h].used_memory, 4 * kGb);
  EXPECT_EQ(farm.hosts[h].used_gpus, 1);
  EXPECT_EQ(farm.hosts[h].used_gpu_memory, 8 * kGb);
  EXPECT_EQ(farm.hosts[h].used_slots, 1);
  EXPECT_EQ(farm.subs[0].used, 2 * kCore);
  EXPECT_EQ(farm.jobs[j].used_cores, 2 * kCore);
  EXPECT_EQ(farm.jobs[j].used_gpus, 1);
  EXPECT_EQ(farm.groups[g].used, 2 * kCore);
  EXPECT_EQ(farm.groups[b.rootGroup("film")].used, 2 * kCore);
  EXPECT_EQ(farm.limits[lim].running, 1);
  EXPECT_EQ(farm.layers[l].running_frames, 1);
  EXPECT_EQ(farm.layers[l].waitingCount(), 2u);
  EXPECT_EQ(farm.procs[p].frame_id, "job/render/1");
  EXPECT_EQ(farm.procs[p].start_time, kNow);
  EXPECT_EQ(farm.hosts[h].procs, std::vector<Index>{p});
  EXPECT_TRUE(auditFarm(farm).empty());
}

TEST(PlanTest, ReleaseProcRestoresCountersAndReusesSlot) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index lim = b.limit("nuke", 5);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 3, kCore, 4);
  b.layerRef(l).limits.push_back(lim);
  FarmView farm = b.build();
  Index p1 = bookHead(farm, l, h, kCore, 0);
  Index p2 = bookHead(farm, l, h, kCore, 0);
  releaseProc(farm, p1);
  // expected: one frame's worth held, the slot of p1 free
  EXPECT_EQ(farm.hosts[h].used_cores, kCore);
  EXPECT_EQ(farm.subs[0].used, kCore);
  EXPECT_EQ(farm.jobs[j].used_cores, kCore);
  EXPECT_EQ(farm.limits[lim].running, 1);
  EXPECT_EQ(farm.layers[l].running_frames, 1);
  EXPECT_FALSE(farm.procs[p1].active);
  EXPECT_EQ(farm.hosts[h].procs, std::vector<Index>{p2});
  EXPECT_TRUE(auditFarm(farm).empty());
  // the next booking reuses p1's slot
  Index p3 = bookHead(farm, l, h, kCore, 0);
  EXPECT_EQ(p3, p1);
  EXPECT_EQ(farm.procs.size(), 2u);
  EXPECT_TRUE(auditFarm(farm).empty());
  releaseProc(farm, p2);
  releaseProc(farm, p3);
  EXPECT_EQ(farm.hosts[h].used_cores, 0);
  EXPECT_EQ(farm.hosts[h].used_memory, 0);
  EXPECT_EQ(farm.groups[b.rootGroup("film")].used, 0);
  EXPECT_TRUE(auditFarm(farm).empty());
}

TEST(PlanTest, ApplyBookingTakesNamedFrameKeepingOrder) {
  FarmBuilder b = oneShow();
  Index h = b.host("h1", "local.general", 16 * kCore, 64);
  Index j = b.job("film", "job", 1);
  Index l = b.layer(j, "render", 5, kCore, 1);
  FarmView farm = b.build();
  Booking bk;
  bk.host = h;
  bk.job = j;
  bk.layer = l;
  bk.frame_id = "job/render/3";
  bk.cores = kCore;
  applyBooking(farm, bk, "p", kNow);
  // expected: frames 1, 2, 4, 5 still wait, in that order
  const LayerView& layer = farm.layers[l];
  ASSERT_EQ(layer.waitingCount(), 4u);
  std::vector<int32_t> numbers;
  for (size_t i = layer.waiting_head; i < layer.waiting.size(); ++i)
    numbers.push_back(layer.waiting[i].number);
  EXPECT_EQ(numbers, (std::vector<int32_t>{1, 2, 4, 5}));
}

TEST(PlanTest, ApplyingPlanThenReleasingAllLeavesCleanFarm) {
  FarmBuilder b;
  b.alloc("local.general", "general");
  b.show("a", {{"local.general", 8 * kCore, 20 * kCore}});
  b.show("b", {{"local.general", 8 * kCore, 20 * kCore}});
  for (int i = 0; i < 4; ++i) b.host("h" + std::to_string(i), "local.general", 8 * kCore, 32);
  Index ga = b.group("a", "seq", kNone, 2 * kCore, 10 * kCore);
  b.layer(b.job("a", "a1", 2, 0, ga), "render", 30, kCore, 2);
  b.layer(b.job("a", "a2", 1), "sim", 5, 4 * kCore, 8);
  b.layer(b.job("b", "b1", 1), "render", 30, 2 * kCore, 2);
  FarmView farm = b.build();
  Plan plan = planFarm(farm, Config{}, kNow);
  applyAll(farm, plan, kNow);
  // expected: audit clean; every counter back to zero after releasing every proc
  EXPECT_TRUE(auditFarm(farm).empty());
  for (size_t p = 0; p < farm.procs.size(); ++p)
    if (farm.procs[p].active) releaseProc(farm, static_cast<Index>(p));
  EXPECT_TRUE(auditFarm(farm).empty());
  for (const auto& host : farm.hosts) EXPECT_EQ(host.used_cores, 0);
  for (const auto& sub : farm.subs) EXPECT_EQ(sub.used, 0);
  for (const auto& g : farm.groups) EXPECT_EQ(g.used, 0);
}

// ---------------------------------------------------------------------------------------
// Property: applying planFarm's bookings never breaks an invariant

FarmView randomFarm(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  FarmBuilder b;
  const int n_allocs = pick(1, 2);
  for (int a = 0; a < n_allocs; ++a) b.alloc("a" + std::to_string(a), "t" + std::to_string(a));
  const int n_shows = pick(1, 3);
  std::vector<std::vector<Index>> groups(n_shows);
  for (int s = 0; s < n_shows; ++s) {
    const std::string name = "s" + std::to_string(s);
    std::vector<FarmBuilder::Sub> subs;
    for (int a = 0; a < n_allocs; ++a)
      if (chance(85)) subs.push_back({"a" + std::to_string(a), pick(0, 40) * kCore,
                                      pick(0, 60) * kCore});
    b.show(name, subs);
    groups[s].push_back(b.rootGroup(name));
    for (int g = pick(0, 2); g > 0; --g) {
      Index parent = groups[s][pick(0, static_cast<int>(groups[s].size()) - 1)];
      groups[s].push_back(b.group(name, name + "-g" + std::to_string(g), parent,
                                  pick(0, 8) * kCore, chance(50) ? pick(0, 30) * kCore : -1));
    }
  }
  std::vector<Index> limits;
  for (int i = pick(0, 2); i > 0; --i) limits.push_back(b.limit("lim" + std::to_string(i),
                                                               pick(0, 6)));
  const int n_hosts = pick(1, 8);
  const std::vector<std::string> extra_tags = {"x", "y"};
  for (int h = 0; h < n_hosts; ++h) {
    std::vector<std::string> tags;
    for (const auto& t : extra_tags)
      if (chance(40)) tags.push_back(t);
    const CoreUnits cores = pick(1, 32) * kCore + (chance(20) ? 50 : 0);
    Index idx = b.host("h" + std::to_string(h), "a" + std::to_string(pick(0, n_allocs - 1)),
                       cores, pick(2, 128), tags);
    HostView& host = b.hostRef(idx);
    if (chance(30)) {
      host.gpus = pick(1, 4);
      host.gpu_memory = pick(4, 48) * kGb;
    }
    if (chance(25)) host.slots = pick(1, 6);
    if (chance(30)) host.load = pick(0, cores + 300);
    host.thread_mode = static_cast<core::ThreadMode>(pick(0, 2));
    host.up = !chance(5);
    host.locked = chance(5);
    host.nimby = chance(5);
  }
  const std::vector<CoreUnits> core_choices = {kCore, kCore, 2 * kCore, 4 * kCore, 50, 0,
                                               -kCore, 8 * kCore, 32 * kCore};
  for (int j = pick(1, 6); j > 0; --j) {
    const int s = pick(0, n_shows - 1);
    const std::string show = "s" + std::to_string(s);
    Index job = b.job(show, "j" + std::to_string(j), pick(1, 3), pick(0, 100),
                      groups[s][pick(0, static_cast<int>(groups[s].size()) - 1)]);
    JobView& jv = b.jobRef(job);
    if (chance(40)) jv.max_cores = pick(1, 24) * kCore;
    if (chance(30)) jv.min_cores = pick(1, 8) * kCore;
    if (chance(30)) jv.max_gpus = pick(1, 3);
    jv.paused = chance(10);
    for (int l = pick(1, 3); l > 0; --l) {
      std::vector<std::string> tags;
      if (chance(20)) tags.push_back("x");
      if (chance(10)) tags.push_back("y");
      if (chance(5)) tags.push_back("h0");
      Index layer = b.layer(job, "l" + std::to_string(l), pick(0, 20),
                            core_choices[pick(0, static_cast<int>(core_choices.size()) - 1)],
                            pick(0, 24), tags);
      LayerView& lv = b.layerRef(layer);
      lv.threadable = chance(40);
      if (chance(30)) lv.max_cores = pick(1, 16) * kCore;
      if (chance(20)) {
        lv.min_gpus = pick(1, 2);
        lv.min_gpu_memory = pick(0, 16) * kGb;
      }
      if (chance(30)) lv.slots_required = pick(1, 3);
      for (Index lim : limits)
        if (chance(40)) lv.limits.push_back(lim);
      lv.avg_frame_sec = pick(0, 3) * 600;
      if (chance(10)) lv.depend_frames = pick(1, 5);
      for (auto& f : lv.waiting)
        if (chance(10)) f.min_memory = pick(1, 40) * kGb;
    }
  }
  return b.build();
}

// Property test: a random farm (its own seed per case), three planFarm rounds with random
// releases between them, then planHost on every host; the audits hold after every step,
// no frame is booked twice. Returns the frames booked.
int checkRandomFarm(uint32_t seed) {
  std::mt19937 rng(seed);
  int booked = 0;
  FarmView farm = randomFarm(rng);
  Config config;
  config.seed = seed;
  EpochSec now = 1000;
  for (int step = 0; step < 3; ++step) {
    Plan plan = planFarm(farm, config, now);
    std::set<std::string> ids;
    for (const auto& bk : plan.bookings) {
      EXPECT_TRUE(ids.insert(bk.frame_id).second) << "seed " << seed << " " << bk.frame_id;
      applyBooking(farm, bk, "p" + bk.frame_id, now);
    }
    booked += static_cast<int>(plan.bookings.size());
    farm.reservations = plan.reservations;
    std::vector<std::string> violations = auditFarm(farm);
    EXPECT_TRUE(violations.empty()) << "seed " << seed << " step " << step << ": "
                                    << (violations.empty() ? "" : violations.front());
    // some frames end before the next plan
    for (size_t p = 0; p < farm.procs.size(); ++p)
      if (farm.procs[p].active && rng() % 3 == 0) releaseProc(farm, static_cast<Index>(p));
    EXPECT_TRUE(auditFarm(farm).empty()) << "seed " << seed << " after release";
    now += 300;
  }
  // planHost on every host must agree with the invariants too
  for (size_t h = 0; h < farm.hosts.size(); ++h) {
    Plan plan = planHost(farm, static_cast<Index>(h), config, now);
    for (const auto& bk : plan.bookings) applyBooking(farm, bk, "q" + bk.frame_id, now);
    std::vector<std::string> violations = auditFarm(farm);
    EXPECT_TRUE(violations.empty()) << "seed " << seed << " host " << h << ": "
                                    << (violations.empty() ? "" : violations.front());
  }
  return booked;
}

class RandomFarmTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RandomFarmTest, NeverViolatesInvariants) { checkRandomFarm(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Seeds, RandomFarmTest, ::testing::Range(20240611u, 20240611u + 200u));

TEST(PlanTest, RandomFarmsAreNotTriviallyEmpty) {
  int booked = 0;
  for (uint32_t seed = 20240611u; seed < 20240611u + 20u; ++seed) booked += checkRandomFarm(seed);
  EXPECT_GT(booked, 100);
}

}  // namespace
}  // namespace cue::dispatch

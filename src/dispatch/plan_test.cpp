#include "dispatch/plan.h"

#include <gtest/gtest.h>

#include <random>

namespace cue::dispatch {
namespace {

HostView host(CoreUnits cores, MemoryKb memory_gb, std::vector<std::string> tags = {"general"}) {
  HostView h;
  h.id = "h1";
  h.tags = std::move(tags);
  h.cores = h.idle_cores = cores;
  h.idle_memory = memory_gb * core::kKbPerGb;
  return h;
}

LayerView layer(std::string job, int priority, int64_t start, int frames, CoreUnits cores = 100,
                MemoryKb memory_gb = 1) {
  LayerView l;
  l.job_id = job;
  l.layer_id = job + "/render";
  l.show_id = "testing";
  l.job_priority = priority;
  l.job_start_time = start;
  l.min_cores = cores;
  l.min_memory = memory_gb * core::kKbPerGb;
  l.tags = {"general"};
  for (int i = 0; i < frames; ++i) l.waiting_frames.push_back(job + "/" + std::to_string(i));
  return l;
}

TEST(PlanTest, SplitsAHostIntoOneProcPerCore) {
  // 16 cores, 64 GB: sixteen 1-core 1 GB frames fit.
  Snapshot s{host(1600, 64), {layer("a", 1, 0, 40)}, ""};
  Plan p = plan(s, {});
  ASSERT_EQ(p.bookings.size(), 16u);
  EXPECT_EQ(p.bookings[0].frame_id, "a/0");
  EXPECT_EQ(p.bookings[15].frame_id, "a/15");
  ASSERT_EQ(p.skipped.size(), 1u);
  EXPECT_EQ(p.skipped[0].reason, SkipReason::kNotEnoughCores);
}

TEST(PlanTest, HigherPriorityThenOlderJobFirst) {
  Snapshot s{host(300, 64), {layer("old", 1, 10, 5), layer("new", 1, 20, 5), layer("urgent", 9, 30, 1)}, ""};
  Plan p = plan(s, {});
  ASSERT_EQ(p.bookings.size(), 3u);
  EXPECT_EQ(p.bookings[0].job_id, "urgent");
  EXPECT_EQ(p.bookings[1].job_id, "old");
  EXPECT_EQ(p.bookings[2].job_id, "old");
}

TEST(PlanTest, PreferredJobKeepsTheFreedProc) {
  Snapshot s{host(100, 8), {layer("a", 5, 0, 3), layer("b", 1, 0, 3)}, "b"};
  Plan p = plan(s, {});
  ASSERT_EQ(p.bookings.size(), 1u);
  EXPECT_EQ(p.bookings[0].job_id, "b");
}

TEST(PlanTest, MemoryLimitsProcsAndTagsMustMatch) {
  LayerView util = layer("u", 1, 0, 5);
  util.tags = {"util"};
  Snapshot s{host(800, 8), {util, layer("big", 1, 1, 5, 100, 3)}, ""};
  Plan p = plan(s, {});
  // 8 GB holds two 3 GB frames; the util layer does not match a general host.
  ASSERT_EQ(p.bookings.size(), 2u);
  EXPECT_EQ(p.bookings[0].job_id, "big");
  ASSERT_EQ(p.skipped.size(), 2u);
  EXPECT_EQ(p.skipped[0].reason, SkipReason::kTagMismatch);
  EXPECT_EQ(p.skipped[1].reason, SkipReason::kNotEnoughMemory);
}

TEST(PlanTest, JobMaxCoresAndShowBurstCap) {
  LayerView capped = layer("capped", 9, 0, 10);
  capped.job_max_cores = 300;
  capped.job_running_cores = 100;  // 2 more cores allowed
  LayerView burst = layer("burst", 1, 0, 10);
  burst.show_id = "other";
  burst.show_burst = 300;
  burst.show_running_cores = 200;  // 1 more core allowed
  Snapshot s{host(1600, 64), {capped, burst}, ""};
  Plan p = plan(s, {});
  ASSERT_EQ(p.bookings.size(), 3u);
  EXPECT_EQ(p.skipped[0].reason, SkipReason::kJobAtMaxCores);
  EXPECT_EQ(p.skipped[1].reason, SkipReason::kShowAtBurst);
}

TEST(PlanTest, LockedHostBooksNothing) {
  Snapshot s{host(800, 8), {layer("a", 1, 0, 5)}, ""};
  s.host.bookable = false;
  Plan p = plan(s, {});
  EXPECT_TRUE(p.bookings.empty());
  EXPECT_EQ(p.skipped[0].reason, SkipReason::kHostNotBookable);
}

TEST(PlanTest, NegativeMinCoresTakesAllButThatMany) {
  Snapshot s{host(800, 64), {layer("a", 1, 0, 5, -200)}, ""};
  Plan p = plan(s, {});
  ASSERT_EQ(p.bookings.size(), 1u);
  EXPECT_EQ(p.bookings[0].cores, 600);
}

// Property: whatever the snapshot, a plan never books more than the host holds and
// never books a frame twice.
TEST(PlanTest, RandomSnapshotsNeverOverbook) {
  std::mt19937 rng(42);
  for (int round = 0; round < 500; ++round) {
    Snapshot s{host(100 * (1 + rng() % 32), 1 + rng() % 128), {}, ""};
    int layers = 1 + rng() % 6;
    for (int i = 0; i < layers; ++i)
      s.layers.push_back(layer("j" + std::to_string(i), rng() % 3, rng() % 5, rng() % 20,
                               100 * (1 + rng() % 4), 1 + rng() % 8));
    Plan p = plan(s, {});
    CoreUnits cores = 0;
    MemoryKb memory = 0;
    std::set<std::string> seen;
    for (const auto& b : p.bookings) {
      cores += b.cores;
      memory += b.memory;
      EXPECT_TRUE(seen.insert(b.frame_id).second);
    }
    EXPECT_LE(cores, s.host.idle_cores);
    EXPECT_LE(memory, s.host.idle_memory);
  }
}

}  // namespace
}  // namespace cue::dispatch

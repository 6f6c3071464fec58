// Conformance: several cuebots on one database (store.h, ClusterStore): the booking lease
// and its fencing token, the change feed, and what only concurrency reveals (the last
// frames of a layer completing at once on two connections). Included by each backend's
// test file after store_conformance.h.
#pragma once

#include <thread>

#include "store/store_conformance.h"

namespace cue::store::conformance {

constexpr int64_t kMs0 = kT0 * 1000;

TEST_P(StoreConformanceTest, LeaseHasOneHolderRenewedByItTakenOverOnlyAfterExpiry) {
  std::unique_ptr<Store> other = secondStore();
  Lease a = must(store().acquireLease("booking", "cuebot-a", kMs0, 5000), "acquireLease");
  EXPECT_EQ(a.holder, "cuebot-a");
  EXPECT_EQ(a.expires_ms, kMs0 + 5000);
  const int64_t first = a.token;

  Lease b = must(other->acquireLease("booking", "cuebot-b", kMs0 + 1000, 5000), "acquireLease");
  EXPECT_EQ(b.holder, "cuebot-a") << "a live lease is not taken";
  a = must(store().acquireLease("booking", "cuebot-a", kMs0 + 2000, 5000), "renew");
  EXPECT_EQ(a.holder, "cuebot-a");
  EXPECT_EQ(a.token, first) << "renewing keeps the token";
  EXPECT_EQ(a.expires_ms, kMs0 + 7000);

  b = must(other->acquireLease("booking", "cuebot-b", kMs0 + 7000, 5000), "acquireLease");
  EXPECT_EQ(b.holder, "cuebot-b") << "an expired lease is taken";
  EXPECT_GT(b.token, first) << "a new holder gets a larger token";
  a = must(store().acquireLease("booking", "cuebot-a", kMs0 + 7001, 5000), "late renew");
  EXPECT_EQ(a.holder, "cuebot-b") << "the old holder cannot renew what it lost";

  must(other->releaseLease("booking", "cuebot-b"), "releaseLease");
  a = must(store().acquireLease("booking", "cuebot-a", kMs0 + 7002, 5000), "acquireLease");
  EXPECT_EQ(a.holder, "cuebot-a") << "a released lease is free at once";
  EXPECT_GT(a.token, b.token);
  EXPECT_CODE(store().acquireLease("", "x", kMs0, 5000), kInvalidArgument);
  EXPECT_CODE(store().acquireLease("booking", "x", kMs0, 0), kInvalidArgument);
}

TEST_P(StoreConformanceTest, ConcurrentAcquirersOfAFreeLeaseYieldOneHolder) {
  std::unique_ptr<Store> other = secondStore();
  Store* stores[2] = {&store(), other.get()};
  std::vector<absl::StatusOr<Lease>> got(8);
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k)
    threads.emplace_back([&, k] {
      got[k] = stores[k % 2]->acquireLease("booking", "cuebot-" + std::to_string(k), kMs0, 5000);
    });
  for (auto& t : threads) t.join();
  std::set<std::string> holders;
  for (const auto& g : got) {
    ASSERT_TRUE(g.ok()) << g.status();
    holders.insert(g->holder);
  }
  EXPECT_EQ(holders.size(), 1u) << "every acquirer sees the same single holder";
}

TEST_P(StoreConformanceTest, BookingsOfACuebotThatLostTheLeaseAreRefusedWhole) {
  std::unique_ptr<Store> other = secondStore();
  NewJob nj = testingJob("fenced");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");

  Lease a = must(store().acquireLease("booking", "cuebot-a", kMs0, 5000), "acquireLease");
  store().setBookingFence("booking", "cuebot-a", a.token);
  ASSERT_EQ(must(store().book({bookingFor(h, frameOf(nj, "a", 1))}), "book").size(), 1u);

  // cuebot-a stalls past its lease; cuebot-b takes over and books.
  Lease b = must(other->acquireLease("booking", "cuebot-b", kMs0 + 6000, 5000), "acquireLease");
  ASSERT_EQ(b.holder, "cuebot-b");
  other->setBookingFence("booking", "cuebot-b", b.token);
  auto stale = store().book({bookingFor(h, frameOf(nj, "a", 2))});
  EXPECT_CODE(stale, kFailedPrecondition);
  EXPECT_EQ(frameOf(nj, "a", 2).state, FrameState::kWaiting) << "nothing of it was booked";
  EXPECT_EQ(host(h.id).idle_cores, 700);
  ASSERT_EQ(must(other->book({bookingFor(h, frameOf(nj, "a", 2))}), "book").size(), 1u);

  // Without a fence (one cuebot alone) booking does not look at leases.
  store().setBookingFence("", "", 0);
  EXPECT_TRUE(store().book({}).ok());
  expectCountsMatchFrames(nj.job.id);
}

TEST_P(StoreConformanceTest, ChangeFeedGivesOtherCuebotsChangesInOrder) {
  std::unique_ptr<Store> other = secondStore();
  EXPECT_EQ(must(store().lastChange(), "lastChange"), 0);
  must(store().publishChanges("cuebot-a", {{0, "", "job", "j1"}, {0, "", "host", "h1"}}, kT0),
       "publishChanges");
  must(other->publishChanges("cuebot-b", {{0, "", "reference", ""}}, kT0 + 10), "publishChanges");
  must(store().publishChanges("cuebot-a", {{0, "", "dependents", ""}}, kT0 + 20), "publishChanges");

  auto for_b = must(other->changesSince(0, "cuebot-b", 100), "changesSince");
  ASSERT_EQ(for_b.size(), 3u);
  EXPECT_EQ(for_b[0].kind, "job");
  EXPECT_EQ(for_b[0].ref, "j1");
  EXPECT_EQ(for_b[1].kind, "host");
  EXPECT_EQ(for_b[2].kind, "dependents");
  EXPECT_LT(for_b[0].seq, for_b[1].seq);
  EXPECT_LT(for_b[1].seq, for_b[2].seq);
  for (const auto& c : for_b) EXPECT_EQ(c.origin, "cuebot-a");
  EXPECT_EQ(must(store().changesSince(0, "cuebot-a", 100), "changesSince").size(), 1u);
  EXPECT_EQ(must(other->changesSince(for_b[1].seq, "cuebot-b", 100), "changesSince").size(), 1u);
  EXPECT_EQ(must(other->changesSince(0, "cuebot-b", 2), "changesSince").size(), 2u);
  EXPECT_EQ(must(store().lastChange(), "lastChange"), for_b[2].seq);

  must(store().pruneChanges(kT0 + 15), "pruneChanges");
  auto left = must(other->changesSince(0, "", 100), "changesSince");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].kind, "dependents");
  EXPECT_EQ(must(store().lastChange(), "lastChange"), for_b[2].seq) << "seq never goes back";
}

// The last two frames of a layer end at the same moment, reported to two cuebots: the
// layer-on-layer depend on it is released exactly once, and the held frames wait once.
TEST_P(StoreConformanceTest, LastFramesOfALayerCompletingAtOnceReleaseTheDependOnce) {
  std::unique_ptr<Store> other = secondStore();
  NewJob nj = testingJob("lastpair");
  std::string sim = addLayer(nj, "sim", 1, 2);
  std::string render = addLayer(nj, "render", 1, 3);
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);
  core::Host h = bootHost("render01");
  core::Frame s1 = frameOf(nj, "sim", 1), s2 = frameOf(nj, "sim", 2);
  std::string p1 = run(h, s1), p2 = run(h, s2);

  absl::StatusOr<CompletionResult> r1, r2;
  std::thread t1([&] { r1 = store().completeFrame(completion(p1, s1, h, 0, kT0 + 60)); });
  std::thread t2([&] { r2 = other->completeFrame(completion(p2, s2, h, 0, kT0 + 60)); });
  t1.join();
  t2.join();
  ASSERT_TRUE(r1.ok()) << r1.status();
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r1->released_job_ids.size() + r2->released_job_ids.size(), 1u)
      << "exactly one of the two completions released the depend";
  auto deps = must(store().getDepends(nj.job.id), "getDepends");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_FALSE(deps[0].active);
  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  EXPECT_EQ(host(h.id).idle_cores, 800);
  expectCountsMatchFrames(nj.job.id);
}

}  // namespace cue::store::conformance

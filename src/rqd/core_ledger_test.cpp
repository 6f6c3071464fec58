#include "rqd/core_ledger.h"

#include "gtest/gtest.h"

namespace cue::rqd {
namespace {

// Two sockets x two cores x two hyperthreads (CPUs 0-7, siblings 4 apart).
CpuTopology twoByTwoHt() {
  CpuTopology t;
  for (int p = 0; p < 8; ++p) t.cpus.push_back({p, (p / 2) % 2, p % 2});
  t.sockets = 2;
  t.physical_cores = 4;
  t.hyperthreading_multiplier = 2;
  return t;
}

std::vector<int> allCpus() { return {0, 1, 2, 3, 4, 5, 6, 7}; }

TEST(PinnableCoresTest, GroupsHyperthreadsAndDropsCoresOutsideTheMask) {
  std::vector<PhysicalCore> cores = pinnableCores(twoByTwoHt(), allCpus());
  ASSERT_EQ(cores.size(), 4u);
  EXPECT_EQ(cores[0].socket, 0);
  EXPECT_EQ(cores[0].core, 0);
  EXPECT_EQ(cores[0].cpus, (std::vector<int>{0, 4}));
  // CPU 5 is outside rqd's affinity: its core (socket 0, core 1) is not pinnable.
  cores = pinnableCores(twoByTwoHt(), {0, 1, 2, 3, 4, 6, 7});
  EXPECT_EQ(cores.size(), 3u);
}

TEST(CoreLedgerTest, BooksAndReleases) {
  CoreLedger ledger(400, {});
  absl::StatusOr<CoreLedger::Reservation> r = ledger.reserve("f1", 150);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cpus.empty());  // no pinnable cores given
  CoreCounts c = ledger.counts();
  EXPECT_EQ(c.total, 400);
  EXPECT_EQ(c.booked, 150);
  EXPECT_EQ(c.idle, 250);
  EXPECT_EQ(ledger.reserve("f1", 100).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ledger.reserve("f2", 300).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger.reserve("f3", 0).status().code(), absl::StatusCode::kInvalidArgument);
  ledger.release("f1");
  EXPECT_EQ(ledger.counts().idle, 400);
  ledger.release("unknown");  // no-op
  EXPECT_EQ(ledger.counts().booked, 0);
}

TEST(CoreLedgerTest, LocksKeepIdleConsistent) {
  CoreLedger ledger(400, {});
  ASSERT_TRUE(ledger.reserve("f1", 200).ok());
  EXPECT_TRUE(ledger.lock(300));
  // locked 300 + booked 200 > total: idle 0, never negative.
  EXPECT_EQ(ledger.counts().idle, 0);
  EXPECT_EQ(ledger.counts().locked, 300);
  ledger.release("f1");
  EXPECT_EQ(ledger.counts().idle, 100);  // total - locked
  EXPECT_TRUE(ledger.lockAll());
  EXPECT_FALSE(ledger.lockAll());  // nothing changed
  absl::StatusOr<CoreLedger::Reservation> r = ledger.reserve("f2", 100);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("locked"), absl::string_view::npos);
  EXPECT_TRUE(ledger.unlock(150));
  EXPECT_EQ(ledger.counts().idle, 150);
  EXPECT_TRUE(ledger.unlockAll());
  EXPECT_EQ(ledger.counts().idle, 400);
  EXPECT_FALSE(ledger.unlock(100));
}

TEST(CoreLedgerTest, PinsWholeCoresPreferringOneSocket) {
  CoreLedger ledger(400, pinnableCores(twoByTwoHt(), allCpus()));
  // One core: the fullest socket that fits is either; ties go to the first (socket 0).
  absl::StatusOr<CoreLedger::Reservation> a = ledger.reserve("a", 100);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->cpus, (std::vector<int>{0, 4}));  // socket 0 core 0 and its hyperthread
  // Two cores: socket 0 has one free, socket 1 has two: both from socket 1.
  absl::StatusOr<CoreLedger::Reservation> b = ledger.reserve("b", 200);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->cpus, (std::vector<int>{2, 3, 6, 7}));
  CoreCounts c = ledger.counts();
  EXPECT_EQ(c.reserved[0], (std::vector<int64_t>{0}));
  EXPECT_EQ(c.reserved[1], (std::vector<int64_t>{0, 1}));
  // Fractional cores are booked but never pinned.
  absl::StatusOr<CoreLedger::Reservation> f = ledger.reserve("f", 50);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->cpus.empty());
  ledger.release("b");
  EXPECT_EQ(ledger.counts().reserved.count(1), 0u);
  absl::StatusOr<CoreLedger::Reservation> d = ledger.reserve("d", 200);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->cpus, (std::vector<int>{2, 3, 6, 7}));
}

// One socket of four cores split into two NUMA nodes (as AMD's NPS2): cores 0,1 on node 0,
// cores 2,3 on node 1, no hyperthreads.
TEST(CoreLedgerTest, PinsWithinOneNumaNodeWhereTheHostHasThem) {
  CpuTopology t;
  for (int p = 0; p < 4; ++p) t.cpus.push_back({p, 0, p, p / 2});
  t.physical_cores = 4;
  std::vector<PhysicalCore> cores = pinnableCores(t, {0, 1, 2, 3});
  ASSERT_EQ(cores.size(), 4u);
  EXPECT_EQ(cores[3].node, 1);
  CoreLedger ledger(400, cores);
  ASSERT_TRUE(ledger.reserve("a", 100).ok());  // node 0, CPU 0
  // Two cores: node 0 has one left, node 1 two: both from node 1, not CPUs 1 and 2.
  absl::StatusOr<CoreLedger::Reservation> b = ledger.reserve("b", 200);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->cpus, (std::vector<int>{2, 3}));
}

TEST(CoreLedgerTest, BooksWithoutPinningWhenTooFewWholeCoresAreFree) {
  CoreLedger ledger(400, pinnableCores(twoByTwoHt(), {0, 4}));  // one pinnable core
  absl::StatusOr<CoreLedger::Reservation> r = ledger.reserve("big", 300);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cpus.empty());
  EXPECT_EQ(ledger.counts().booked, 300);
}

}  // namespace
}  // namespace cue::rqd

// Unit tests of the learned memory reservation (memory_policy.h).
#include "dispatch/memory_policy.h"

#include <gtest/gtest.h>

namespace cue::dispatch {
namespace {

constexpr MemoryKb kMb = core::kKbPerMb;
constexpr MemoryKb kGb = core::kKbPerGb;

MemoryPolicyConfig policy(MemoryPolicy p) {
  MemoryPolicyConfig c;
  c.policy = p;
  return c;
}

TEST(MemoryPolicyTest, RequestedPolicyKeepsRequest) {
  MemoryHistory h;
  for (int i = 0; i < 10; ++i) h.addPeak(20 * kGb);
  // expected: the requested 4 GB, whatever the peaks
  EXPECT_EQ(h.estimate(4 * kGb, policy(MemoryPolicy::kRequested)), 4 * kGb);
}

TEST(MemoryPolicyTest, TooFewSamplesKeepRequest) {
  MemoryHistory h;
  h.addPeak(10 * kGb);
  h.addPeak(10 * kGb);
  // expected: 4 GB (2 samples < min_samples 3), under both policies
  EXPECT_EQ(h.estimate(4 * kGb, policy(MemoryPolicy::kPercentileMargin)), 4 * kGb);
  EXPECT_EQ(h.estimate(4 * kGb, policy(MemoryPolicy::kMedianOfRecent)), 4 * kGb);
  h.addPeak(10 * kGb);
  // expected: learned once 3 have finished (10 GB x 1.1 = 11 GB)
  EXPECT_EQ(h.estimate(4 * kGb, policy(MemoryPolicy::kPercentileMargin)), 11 * kGb);
}

TEST(MemoryPolicyTest, NonPositivePeaksIgnored) {
  MemoryHistory h;
  h.addPeak(0);
  h.addPeak(-5);
  // expected: no sample
  EXPECT_EQ(h.samples(), 0);
  h.addPeak(kGb);
  EXPECT_EQ(h.samples(), 1);
}

TEST(MemoryPolicyTest, MedianOfOddCount) {
  MemoryHistory h;
  h.addPeak(1 * kGb);
  h.addPeak(3 * kGb);
  h.addPeak(2 * kGb);
  // expected: 2 GB, the median, already a multiple of 256 MB
  EXPECT_EQ(h.estimate(8 * kGb, policy(MemoryPolicy::kMedianOfRecent)), 2 * kGb);
}

TEST(MemoryPolicyTest, MedianOfEvenCountTakesUpperMiddle) {
  MemoryHistory h;
  for (MemoryKb gb : {4, 1, 3, 2}) h.addPeak(gb * kGb);
  // expected: 3 GB (element n/2 of the sorted 1, 2, 3, 4)
  EXPECT_EQ(h.estimate(8 * kGb, policy(MemoryPolicy::kMedianOfRecent)), 3 * kGb);
}

TEST(MemoryPolicyTest, MedianLooksAtLast32Peaks) {
  MemoryHistory h;
  for (int i = 0; i < 20; ++i) h.addPeak(50 * kGb);  // old, forgotten
  for (int i = 0; i < 32; ++i) h.addPeak(2 * kGb);
  // expected: 2 GB (only the last 32 peaks count)
  EXPECT_EQ(h.estimate(8 * kGb, policy(MemoryPolicy::kMedianOfRecent)), 2 * kGb);
}

TEST(MemoryPolicyTest, MedianMayGoBelowRequest) {
  MemoryHistory h;
  for (int i = 0; i < 5; ++i) h.addPeak(1 * kGb);
  // expected: 1 GB though 8 GB was asked for (the history wins)
  EXPECT_EQ(h.estimate(8 * kGb, policy(MemoryPolicy::kMedianOfRecent)), 1 * kGb);
}

TEST(MemoryPolicyTest, PercentilePlusMarginRoundedUp) {
  MemoryHistory h;
  for (int i = 1; i <= 100; ++i) h.addPeak(i * 100 * kMb);
  // window 64: peaks 3700..10000 MB; the 95th percentile is the 61st, 9700 MB;
  // x 1.1 = 10670 MB, rounded up to 256 MB: 10752 MB
  EXPECT_EQ(h.estimate(kGb, policy(MemoryPolicy::kPercentileMargin)), 10752 * kMb);
}

TEST(MemoryPolicyTest, PercentileOfFewSamplesIsTheMax) {
  MemoryHistory h;
  for (MemoryKb gb : {2, 10, 4}) h.addPeak(gb * kGb);
  // expected: 10 GB x 1.1 = 11 GB (ceil(0.95 x 3) = 3rd of 3)
  EXPECT_EQ(h.estimate(kGb, policy(MemoryPolicy::kPercentileMargin)), 11 * kGb);
}

TEST(MemoryPolicyTest, WindowForgetsOldPeaks) {
  MemoryHistory h;
  for (int i = 0; i < 10; ++i) h.addPeak(40 * kGb);
  MemoryPolicyConfig c = policy(MemoryPolicy::kPercentileMargin);
  c.window = 5;
  for (int i = 0; i < 5; ++i) h.addPeak(10 * kGb);
  // expected: 11 GB (the window holds only the five 10 GB peaks)
  EXPECT_EQ(h.estimate(kGb, c), 11 * kGb);
}

TEST(MemoryPolicyTest, HistoryKeepsAtMost256Peaks) {
  MemoryHistory h;
  for (int i = 0; i < 300; ++i) h.addPeak(kGb);
  // expected: 256 samples
  EXPECT_EQ(h.samples(), 256);
}

TEST(MemoryPolicyTest, FloorApplies) {
  MemoryHistory h;
  for (int i = 0; i < 5; ++i) h.addPeak(10 * kMb);
  // expected: 256 MB, the floor
  EXPECT_EQ(h.estimate(kGb, policy(MemoryPolicy::kPercentileMargin)), 256 * kMb);
  MemoryPolicyConfig c = policy(MemoryPolicy::kMedianOfRecent);
  c.floor = 512 * kMb;
  EXPECT_EQ(h.estimate(kGb, c), 512 * kMb);
}

TEST(MemoryPolicyTest, CeilingApplies) {
  MemoryHistory h;
  for (int i = 0; i < 5; ++i) h.addPeak(40 * kGb);
  MemoryPolicyConfig c = policy(MemoryPolicy::kPercentileMargin);
  c.ceiling = 32 * kGb;
  // expected: 32 GB (44 GB capped)
  EXPECT_EQ(h.estimate(kGb, c), 32 * kGb);
}

TEST(MemoryPolicyTest, NoRoundingWhenRoundToZero) {
  MemoryHistory h;
  for (int i = 0; i < 3; ++i) h.addPeak(1000 * kMb);
  MemoryPolicyConfig c = policy(MemoryPolicy::kMedianOfRecent);
  c.round_to = 0;
  c.floor = 0;
  // expected: exactly 1000 MB
  EXPECT_EQ(h.estimate(kGb, c), 1000 * kMb);
}

TEST(MemoryPolicyTest, OomRetryAddsIncrease) {
  // expected: 4 GB + 2 GB = 6 GB; a negative increase adds nothing
  EXPECT_EQ(oomRetryMemory(4 * kGb, 2 * kGb), 6 * kGb);
  EXPECT_EQ(oomRetryMemory(4 * kGb, 0), 4 * kGb);
  EXPECT_EQ(oomRetryMemory(4 * kGb, -kGb), 4 * kGb);
}

TEST(MemoryPolicyTest, OutOfMemoryByExitStatusOrSignal) {
  // expected: exit 33, exit 137 and signal 33 always mean OOM
  EXPECT_TRUE(isOutOfMemory(33, 0, 0, 0));
  EXPECT_TRUE(isOutOfMemory(137, 0, 0, 0));
  EXPECT_TRUE(isOutOfMemory(0, 33, 0, 0));
}

TEST(MemoryPolicyTest, KillSignalIsOomOnlyAtReservation) {
  // expected: signal 9 with a peak at or above the reservation is OOM; below it, or
  // with no reservation, it is not
  EXPECT_TRUE(isOutOfMemory(0, 9, 4 * kGb, 4 * kGb));
  EXPECT_TRUE(isOutOfMemory(0, 9, 5 * kGb, 4 * kGb));
  EXPECT_FALSE(isOutOfMemory(0, 9, 3 * kGb, 4 * kGb));
  EXPECT_FALSE(isOutOfMemory(0, 9, 3 * kGb, 0));
}

TEST(MemoryPolicyTest, OrdinaryFailuresAreNotOom) {
  // expected: success, exit 1 and SIGTERM are not OOM even with a high peak
  EXPECT_FALSE(isOutOfMemory(0, 0, 8 * kGb, 4 * kGb));
  EXPECT_FALSE(isOutOfMemory(1, 0, 8 * kGb, 4 * kGb));
  EXPECT_FALSE(isOutOfMemory(0, 15, 8 * kGb, 4 * kGb));
}

}  // namespace
}  // namespace cue::dispatch

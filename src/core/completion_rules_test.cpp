#include "core/completion_rules.h"

#include <gtest/gtest.h>

namespace cue::core {
namespace {

CompletionFacts running(int32_t exit_status, int32_t retries = 0, int32_t max_retries = 3) {
  CompletionFacts f;
  f.exit_status = exit_status;
  f.retry_count = retries;
  f.max_retries = max_retries;
  return f;
}

TEST(CompletionRules, SuccessKeepsTheRetryCount) {
  auto o = completionOutcome(running(0, 2));
  EXPECT_FALSE(o.settled);
  EXPECT_EQ(o.next, FrameState::kSucceeded);
  EXPECT_EQ(o.retry_count, 2);
  EXPECT_EQ(o.reserved_memory, 0);
}

TEST(CompletionRules, ASignalIsAFailureEvenWithExitZero) {
  auto f = running(0);
  f.exit_signal = 9;
  auto o = completionOutcome(f);
  EXPECT_EQ(o.next, FrameState::kWaiting);
  EXPECT_EQ(o.retry_count, 1);
}

TEST(CompletionRules, FailuresRetryUntilTheRetriesAreUsedUp) {
  EXPECT_EQ(completionOutcome(running(1, 0, 1)).next, FrameState::kWaiting);
  auto last = completionOutcome(running(1, 1, 1));
  EXPECT_EQ(last.next, FrameState::kDead);
  EXPECT_EQ(last.retry_count, 2);
  auto f = running(1, 1, 1);
  f.auto_eat = true;
  EXPECT_EQ(completionOutcome(f).next, FrameState::kEaten);
}

TEST(CompletionRules, SkipRetryExitDiesAtOnce) {
  auto o = completionOutcome(running(kExitSkipRetry, 0, 3));
  EXPECT_EQ(o.next, FrameState::kDead);
  EXPECT_EQ(o.retry_count, 1);
}

TEST(CompletionRules, KilledForMemoryRetriesWithMoreWithoutCountingARetry) {
  auto f = running(33, 3, 3);
  f.oom_retry_memory = 6 * 1024 * 1024;
  auto o = completionOutcome(f);
  EXPECT_EQ(o.next, FrameState::kWaiting);
  EXPECT_EQ(o.retry_count, 3);
  EXPECT_EQ(o.reserved_memory, 6 * 1024 * 1024);
}

TEST(CompletionRules, KilledOnRequestRunsAgainWithoutCountingARetry) {
  auto f = running(1, 3, 3);
  f.kill_requested = true;
  auto o = completionOutcome(f);
  EXPECT_EQ(o.next, FrameState::kWaiting);
  EXPECT_EQ(o.retry_count, 3);
}

TEST(CompletionRules, AJobNoLongerPendingLeavesFailedFramesDead) {
  auto f = running(1);
  f.job_pending = false;
  f.kill_requested = true;
  f.oom_retry_memory = 1024;
  EXPECT_EQ(completionOutcome(f).next, FrameState::kDead);
  f.exit_status = 0;
  EXPECT_EQ(completionOutcome(f).next, FrameState::kSucceeded);
}

TEST(CompletionRules, AFrameSettledWhileItRanKeepsItsState) {
  auto f = running(0);
  f.frame_state = FrameState::kEaten;
  auto o = completionOutcome(f);
  EXPECT_TRUE(o.settled);
  EXPECT_EQ(o.next, FrameState::kEaten);
}

}  // namespace
}  // namespace cue::core

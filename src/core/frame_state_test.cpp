#include <gtest/gtest.h>

#include "core/types.h"

namespace cue::core {
namespace {

TEST(FrameStateTest, NamesRoundTrip) {
  for (int i = 0; i <= 7; ++i) {
    auto s = static_cast<FrameState>(i);
    EXPECT_EQ(parseFrameState(toString(s)), s);
  }
  EXPECT_EQ(parseFrameState("succeeded"), FrameState::kSucceeded);
  EXPECT_EQ(parseFrameState("bogus"), std::nullopt);
  EXPECT_EQ(toString(DependType::kFrameByFrame), "FRAME_BY_FRAME");
  EXPECT_EQ(parseHardwareState("REBOOT_WHEN_IDLE"), HardwareState::kRebootWhenIdle);
}

TEST(FrameStateTest, AllFrameStatesListsEachStateOnce) {
  const auto& all = allFrameStates();
  ASSERT_EQ(all.size(), 8u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i]), i) << "the enum's order";
    EXPECT_EQ(parseFrameState(toString(all[i])), all[i]);
  }
}

TEST(FrameStateTest, TransitionsFollowTheStateMachine) {
  EXPECT_TRUE(canTransition(FrameState::kWaiting, FrameState::kRunning));
  EXPECT_TRUE(canTransition(FrameState::kRunning, FrameState::kSucceeded));
  EXPECT_TRUE(canTransition(FrameState::kDepend, FrameState::kWaiting));
  EXPECT_FALSE(canTransition(FrameState::kDepend, FrameState::kRunning));
  EXPECT_FALSE(canTransition(FrameState::kSucceeded, FrameState::kRunning));
  EXPECT_FALSE(canTransition(FrameState::kWaiting, FrameState::kSucceeded));
  EXPECT_TRUE(isDone(FrameState::kEaten));
  EXPECT_FALSE(isDone(FrameState::kDead));
}

}  // namespace
}  // namespace cue::core

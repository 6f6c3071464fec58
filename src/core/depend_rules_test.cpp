#include "core/depend_rules.h"

#include <gtest/gtest.h>

namespace cue::core {
namespace {

// Job "on" with layers "sim" (frames s1, s2) and "sim2" (frame t1); job "er" with layer
// "comp" (frames c1, c2).
Depend depend(DependType type, std::string er_layer, std::string er_frame, std::string on_layer,
              std::string on_frame, bool any_frame = false) {
  Depend d;
  d.id = "d";
  d.type = type;
  d.target = DependTarget::kExternal;
  d.any_frame = any_frame;
  d.er_job_id = "er";
  d.er_layer_id = std::move(er_layer);
  d.er_frame_id = std::move(er_frame);
  d.on_job_id = "on";
  d.on_layer_id = std::move(on_layer);
  d.on_frame_id = std::move(on_frame);
  return d;
}

DependProgress progress(int32_t done, int32_t open, JobState state = JobState::kPending) {
  return {state, done, open};
}

TEST(DependRulesTest, PlainDependNeedsEveryFrameOfTheOtherSideDone) {
  for (DependType t : {DependType::kJobOnJob, DependType::kLayerOnLayer, DependType::kFrameOnLayer,
                       DependType::kLayerOnFrame, DependType::kFrameOnFrame}) {
    Depend d = depend(t, "comp", "", "sim", "");
    EXPECT_FALSE(isDependSatisfied(d, progress(0, 2))) << toString(t);
    EXPECT_FALSE(isDependSatisfied(d, progress(1, 1))) << toString(t);
    EXPECT_TRUE(isDependSatisfied(d, progress(2, 0))) << toString(t);
  }
}

TEST(DependRulesTest, AnyFrameLayerOnLayerIsSatisfiedByTheFirstDoneFrame) {
  Depend d = depend(DependType::kLayerOnLayer, "comp", "", "sim", "", /*any_frame=*/true);
  EXPECT_FALSE(isDependSatisfied(d, progress(0, 2)));
  EXPECT_TRUE(isDependSatisfied(d, progress(1, 1)));  // one of two: enough
  EXPECT_TRUE(isDependSatisfied(d, progress(2, 0)));
  // any_frame means nothing on other types: a stray flag does not weaken them.
  Depend j = depend(DependType::kLayerOnJob, "comp", "", "", "", /*any_frame=*/true);
  EXPECT_FALSE(isDependSatisfied(j, progress(1, 1)));
}

TEST(DependRulesTest, AJobThatIsOverSatisfiesEveryDependOnIt) {
  // Killed with frames open: still satisfied (OpenCue satisfies depends on killed jobs).
  for (bool any : {false, true}) {
    Depend d = depend(DependType::kLayerOnLayer, "comp", "", "sim", "", any);
    EXPECT_TRUE(isDependSatisfied(d, progress(0, 2, JobState::kFinished)));
  }
  EXPECT_TRUE(isDependSatisfied(depend(DependType::kJobOnJob, "", "", "", ""),
                                progress(0, 5, JobState::kFinished)));
}

TEST(DependRulesTest, AFrameConcernsDependsOnItselfItsLayerAndItsJob) {
  EXPECT_TRUE(dependWatchesFrame(depend(DependType::kJobOnJob, "", "", "", ""), "on", "sim", "s1"));
  EXPECT_TRUE(dependWatchesFrame(depend(DependType::kLayerOnLayer, "comp", "", "sim", ""), "on",
                                 "sim", "s1"));
  EXPECT_FALSE(dependWatchesFrame(depend(DependType::kLayerOnLayer, "comp", "", "sim2", ""), "on",
                                  "sim", "s1"));
  EXPECT_TRUE(dependWatchesFrame(depend(DependType::kFrameOnFrame, "comp", "c1", "sim", "s1"), "on",
                                 "sim", "s1"));
  EXPECT_FALSE(dependWatchesFrame(depend(DependType::kFrameOnFrame, "comp", "c1", "sim", "s2"),
                                  "on", "sim", "s1"));
  // Same ids in another job: not this frame.
  EXPECT_FALSE(
      dependWatchesFrame(depend(DependType::kJobOnJob, "", "", "", ""), "er", "sim", "s1"));
}

TEST(DependRulesTest, WhatThisDependsOnByLevel) {
  Depend job_level = depend(DependType::kJobOnJob, "", "", "", "");
  Depend layer_level = depend(DependType::kLayerOnLayer, "comp", "", "sim", "");
  Depend frame_level = depend(DependType::kFrameOnFrame, "comp", "c1", "sim", "s1");
  DependEntityRef job{DependEntity::kJob, "er", "", ""};
  DependEntityRef comp{DependEntity::kLayer, "er", "comp", ""};
  DependEntityRef other_layer{DependEntity::kLayer, "er", "other", ""};
  DependEntityRef c1{DependEntity::kFrame, "er", "comp", "c1"};
  DependEntityRef c2{DependEntity::kFrame, "er", "comp", "c2"};
  // job: all three; layer comp: its own and its frames'; frame c1: only its own.
  for (const Depend* d : {&job_level, &layer_level, &frame_level})
    EXPECT_TRUE(isDependOfWaiter(*d, job));
  EXPECT_FALSE(isDependOfWaiter(job_level, comp));
  EXPECT_TRUE(isDependOfWaiter(layer_level, comp));
  EXPECT_TRUE(isDependOfWaiter(frame_level, comp));
  EXPECT_FALSE(isDependOfWaiter(layer_level, other_layer));
  EXPECT_FALSE(isDependOfWaiter(job_level, c1));
  EXPECT_FALSE(isDependOfWaiter(layer_level, c1));
  EXPECT_TRUE(isDependOfWaiter(frame_level, c1));
  EXPECT_FALSE(isDependOfWaiter(frame_level, c2));
  // The depend-on side never counts as waiting.
  EXPECT_FALSE(isDependOfWaiter(job_level, DependEntityRef{DependEntity::kJob, "on", "", ""}));
}

TEST(DependRulesTest, WhatDependsOnThisByLevel) {
  Depend on_job = depend(DependType::kLayerOnJob, "comp", "", "", "");
  Depend on_layer = depend(DependType::kFrameOnLayer, "comp", "c1", "sim", "");
  Depend on_frame = depend(DependType::kLayerOnFrame, "comp", "", "sim", "s1");
  Depend any = depend(DependType::kLayerOnLayer, "comp", "", "sim", "", /*any_frame=*/true);
  DependEntityRef job{DependEntity::kJob, "on", "", ""};
  DependEntityRef sim{DependEntity::kLayer, "on", "sim", ""};
  DependEntityRef s1{DependEntity::kFrame, "on", "sim", "s1"};
  DependEntityRef s2{DependEntity::kFrame, "on", "sim", "s2"};
  for (const Depend* d : {&on_job, &on_layer, &on_frame, &any})
    EXPECT_TRUE(isDependOnTarget(*d, job));
  EXPECT_FALSE(isDependOnTarget(on_job, sim));
  EXPECT_TRUE(isDependOnTarget(on_layer, sim));
  EXPECT_TRUE(isDependOnTarget(on_frame, sim));
  EXPECT_FALSE(isDependOnTarget(on_layer, s1)) << "a whole-layer depend waits on no one frame";
  EXPECT_TRUE(isDependOnTarget(on_frame, s1));
  EXPECT_FALSE(isDependOnTarget(on_frame, s2));
  EXPECT_TRUE(isDependOnTarget(any, s1)) << "any frame of the layer can satisfy it";
  EXPECT_TRUE(isDependOnTarget(any, s2));
}

TEST(DependRulesTest, TargetFilter) {
  Depend d = depend(DependType::kJobOnJob, "", "", "", "");
  EXPECT_TRUE(matchesTarget(d, DependTarget::kAnyTarget));
  EXPECT_TRUE(matchesTarget(d, DependTarget::kExternal));
  EXPECT_FALSE(matchesTarget(d, DependTarget::kInternal));
}

}  // namespace
}  // namespace cue::core

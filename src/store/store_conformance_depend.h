// The storage conformance suite, part three: depends by hand and by rule. Any-frame
// LAYER_ON_LAYER, reading a depend and the depends on either side of a job, layer or
// frame, satisfying and unsatisfying one, and dropping an entity's depends by target.
//
// Same fixture and rules as store_conformance.h; a backend test file includes this
// header beside that one, once, and its INSTANTIATE_TEST_SUITE_P covers all three.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace cue::store::conformance {

inline std::set<std::string> dependIds(const std::vector<core::Depend>& v) {
  return namesOf(v, [](const core::Depend& d) { return d.id; });
}

// =================================================================================
// Any-frame LAYER_ON_LAYER
// =================================================================================

TEST_P(StoreConformanceTest, AnyFrameLayerOnLayerIsReleasedByTheFirstSucceededFrame) {
  NewJob nj = testingJob("anyframe");
  std::string sim = addLayer(nj, "sim", 1, 3);
  std::string render = addLayer(nj, "render", 1, 2);
  core::Depend d = makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, "");
  d.any_frame = true;
  nj.depends.push_back(d);
  create(nj);
  for (const auto& f : frames(nj.job.id, "render")) EXPECT_EQ(f.state, FrameState::kDepend);
  EXPECT_TRUE(must(store().getDepend(d.id), "getDepend").any_frame);

  core::Host h = bootHost("render01");
  // A failed attempt releases nothing.
  EXPECT_EQ(runToEnd(h, frameOf(nj, "sim", 2), 1, kT0).new_state, FrameState::kWaiting);
  for (const auto& f : frames(nj.job.id, "render")) EXPECT_EQ(f.state, FrameState::kDepend);
  // The first success releases the whole layer although sim 1 and 2 are still to run.
  EXPECT_EQ(runToEnd(h, frameOf(nj, "sim", 3), 0, kT0 + 100).new_state, FrameState::kSucceeded);
  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  EXPECT_FALSE(must(store().getDepend(d.id), "getDepend").active);
  EXPECT_EQ(frame(frameOf(nj, "sim", 1).id).state, FrameState::kWaiting);
}

TEST_P(StoreConformanceTest, AnyFrameLayerOnLayerIsReleasedByAnEatenFrame) {
  NewJob nj = testingJob("anyeat");
  std::string sim = addLayer(nj, "sim", 1, 2);
  std::string render = addLayer(nj, "render", 1, 1);
  core::Depend d = makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, "");
  d.any_frame = true;
  nj.depends.push_back(d);
  create(nj);
  must(store().eatFrames({frameOf(nj, "sim", 1).id}, kT0), "eatFrames");
  EXPECT_EQ(frame(frameOf(nj, "render", 1).id).state, FrameState::kWaiting);
}

TEST_P(StoreConformanceTest, AnyFrameDependOnALayerWithADoneFrameIsSatisfiedAtCreation) {
  NewJob first = testingJob("first");
  std::string sim = addLayer(first, "sim", 1, 2);
  create(first);
  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(first, "sim", 1), 0, kT0);

  NewJob second = testingJob("second");
  std::string render = addLayer(second, "render", 1, 2);
  core::Depend any =
      makeDepend(DependType::kLayerOnLayer, second.job.id, render, "", first.job.id, sim, "");
  any.any_frame = true;
  core::Depend all = makeDepend(DependType::kFrameOnLayer, second.job.id, render,
                                frameOf(second, "render", 2).id, first.job.id, sim, "");
  second.depends = {any, all};
  create(second);
  EXPECT_FALSE(must(store().getDepend(any.id), "getDepend").active);
  EXPECT_TRUE(must(store().getDepend(all.id), "getDepend").active);
  EXPECT_EQ(frame(frameOf(second, "render", 1).id).state, FrameState::kWaiting);
  EXPECT_EQ(frame(frameOf(second, "render", 2).id).state, FrameState::kDepend);
}

// =================================================================================
// Reading depends
// =================================================================================

// Job "on" (layer sim, frames 1-2) and job "er" (layers comp 1-2 and a 1) with a depend
// of each level between them.
TEST_P(StoreConformanceTest, DependsOnAndDependsOnThisFollowTheLevels) {
  struct {
    NewJob on, er;
    core::Depend job_on_job, comp_on_sim, comp1_on_sim2, a_on_any_sim, comp2_on_a;
  } x;
  x.on = testingJob("on");
  x.er = testingJob("er");
  std::string sim = addLayer(x.on, "sim", 1, 2);
  std::string comp = addLayer(x.er, "comp", 1, 2);
  std::string a = addLayer(x.er, "a", 1, 1);
  const std::string on = x.on.job.id, er = x.er.job.id;
  const std::string comp1 = frameOf(x.er, "comp", 1).id, comp2 = frameOf(x.er, "comp", 2).id;
  const std::string sim1 = frameOf(x.on, "sim", 1).id, sim2 = frameOf(x.on, "sim", 2).id;
  x.job_on_job = makeDepend(DependType::kJobOnJob, er, "", "", on, "", "");
  x.comp_on_sim = makeDepend(DependType::kLayerOnLayer, er, comp, "", on, sim, "");
  x.comp1_on_sim2 = makeDepend(DependType::kFrameOnFrame, er, comp, comp1, on, sim, sim2);
  x.a_on_any_sim = makeDepend(DependType::kLayerOnLayer, er, a, "", on, sim, "");
  x.a_on_any_sim.any_frame = true;
  x.comp2_on_a = makeDepend(DependType::kFrameOnLayer, er, comp, comp2, er, a, "");
  x.er.depends = {x.job_on_job, x.comp_on_sim, x.comp1_on_sim2, x.a_on_any_sim, x.comp2_on_a};
  create(x.on);
  create(x.er);
  using E = core::DependEntity;
  auto on_ = [&](E kind, const std::string& id) {
    return dependIds(must(store().dependsOn(kind, id), "dependsOn"));
  };
  auto onThis = [&](E kind, const std::string& id) {
    return dependIds(must(store().dependsOnThis(kind, id), "dependsOnThis"));
  };
  using Ids = std::set<std::string>;
  // What waits: the job on everything of its own; a layer on its own and its frames'.
  EXPECT_EQ(on_(E::kJob, er), (Ids{x.job_on_job.id, x.comp_on_sim.id, x.comp1_on_sim2.id,
                                   x.a_on_any_sim.id, x.comp2_on_a.id}));
  EXPECT_EQ(on_(E::kLayer, comp), (Ids{x.comp_on_sim.id, x.comp1_on_sim2.id, x.comp2_on_a.id}));
  EXPECT_EQ(on_(E::kLayer, a), (Ids{x.a_on_any_sim.id}));
  EXPECT_EQ(on_(E::kFrame, comp1), (Ids{x.comp1_on_sim2.id}));
  EXPECT_EQ(on_(E::kFrame, comp2), (Ids{x.comp2_on_a.id}));
  EXPECT_TRUE(on_(E::kJob, on).empty());
  // What is waited on.
  EXPECT_EQ(onThis(E::kJob, on),
            (Ids{x.job_on_job.id, x.comp_on_sim.id, x.comp1_on_sim2.id, x.a_on_any_sim.id}));
  EXPECT_EQ(onThis(E::kJob, er), (Ids{x.comp2_on_a.id}));
  EXPECT_EQ(onThis(E::kLayer, sim), (Ids{x.comp_on_sim.id, x.comp1_on_sim2.id, x.a_on_any_sim.id}));
  EXPECT_EQ(onThis(E::kFrame, sim2), (Ids{x.comp1_on_sim2.id, x.a_on_any_sim.id}));
  EXPECT_EQ(onThis(E::kFrame, sim1), (Ids{x.a_on_any_sim.id}));
  EXPECT_EQ(onThis(E::kLayer, a), (Ids{x.comp2_on_a.id}));

  core::Depend got = must(store().getDepend(x.comp1_on_sim2.id), "getDepend");
  EXPECT_EQ(fields(got), fields(x.comp1_on_sim2));
}

TEST_P(StoreConformanceTest, UnknownIdsInDependMethodsAreNotFound) {
  const std::string nobody = common::newId();
  EXPECT_CODE(store().getDepend(nobody), kNotFound);
  EXPECT_CODE(store().satisfyDepend(nobody), kNotFound);
  EXPECT_CODE(store().unsatisfyDepend(nobody), kNotFound);
  for (auto kind :
       {core::DependEntity::kJob, core::DependEntity::kLayer, core::DependEntity::kFrame}) {
    EXPECT_CODE(store().dependsOn(kind, nobody), kNotFound);
    EXPECT_CODE(store().dependsOnThis(kind, nobody), kNotFound);
    EXPECT_CODE(store().dropDepends(kind, nobody, core::DependTarget::kAnyTarget), kNotFound);
  }
}

// =================================================================================
// Satisfy, unsatisfy, drop
// =================================================================================

TEST_P(StoreConformanceTest, SatisfyReleasesFramesThatNothingElseHolds) {
  NewJob first = testingJob("first");
  std::string sim = addLayer(first, "sim", 1, 1);
  create(first);
  NewJob second = testingJob("second");
  std::string comp = addLayer(second, "comp", 1, 2);
  core::Depend joj = makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", "");
  core::Depend lol =
      makeDepend(DependType::kLayerOnLayer, second.job.id, comp, "", first.job.id, sim, "");
  second.depends = {joj, lol};
  create(second);
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.depend_count, 2) << f.name;

  DependChangeResult r = must(store().satisfyDepend(lol.id), "satisfyDepend");
  EXPECT_EQ(r.depends, std::vector<std::string>{lol.id});
  EXPECT_EQ(r.job_ids, std::vector<std::string>{second.job.id});
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kDepend) << f.name << ": the job depend still holds it";
    EXPECT_EQ(f.depend_count, 1) << f.name;
  }
  EXPECT_FALSE(must(store().getDepend(lol.id), "getDepend").active);
  // Satisfying it again changes nothing.
  r = must(store().satisfyDepend(lol.id), "satisfyDepend");
  EXPECT_TRUE(r.depends.empty());
  EXPECT_TRUE(r.job_ids.empty());
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.depend_count, 1) << f.name;

  must(store().satisfyDepend(joj.id), "satisfyDepend");
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  // The job waited on is untouched.
  EXPECT_EQ(frame(frameOf(first, "sim", 1).id).state, FrameState::kWaiting);
}

TEST_P(StoreConformanceTest, UnsatisfyHoldsFramesThatHaveNotStartedUntilTheOtherSideCompletes) {
  NewJob nj = testingJob("unsat");
  std::string sim = addLayer(nj, "sim", 1, 1);
  std::string comp = addLayer(nj, "comp", 1, 3);
  core::Depend lol = makeDepend(DependType::kLayerOnLayer, nj.job.id, comp, "", nj.job.id, sim, "");
  nj.depends = {lol};
  create(nj);
  // Unsatisfying an active depend changes nothing.
  DependChangeResult r = must(store().unsatisfyDepend(lol.id), "unsatisfyDepend");
  EXPECT_TRUE(r.depends.empty());
  for (const auto& f : frames(nj.job.id, "comp")) EXPECT_EQ(f.depend_count, 1) << f.name;

  must(store().satisfyDepend(lol.id), "satisfyDepend");
  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(nj, "comp", 1), 0, kT0);         // comp 1 done
  std::string proc2 = run(h, frameOf(nj, "comp", 2));  // comp 2 running; comp 3 waiting

  r = must(store().unsatisfyDepend(lol.id), "unsatisfyDepend");
  EXPECT_EQ(r.depends, std::vector<std::string>{lol.id});
  EXPECT_EQ(r.job_ids, std::vector<std::string>{nj.job.id});
  EXPECT_TRUE(must(store().getDepend(lol.id), "getDepend").active);
  auto comp_state = [&](int n) { return frame(frameOf(nj, "comp", n).id); };
  EXPECT_EQ(comp_state(1).state, FrameState::kSucceeded);
  EXPECT_EQ(comp_state(2).state, FrameState::kRunning) << "a running frame keeps running";
  EXPECT_EQ(comp_state(3).state, FrameState::kDepend);
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(comp_state(n).depend_count, 1) << n;
  EXPECT_TRUE(candidates(h.id).size() == 1 && candidates(h.id)[0].layer.id == sim)
      << "only sim is offered while comp is held";

  // The held frame is released again by its depend-on side completing.
  runToEnd(h, frameOf(nj, "sim", 1), 0, kT0 + 100);
  EXPECT_FALSE(must(store().getDepend(lol.id), "getDepend").active);
  EXPECT_EQ(comp_state(3).state, FrameState::kWaiting);
  EXPECT_EQ(comp_state(3).depend_count, 0);
  complete(proc2, frameOf(nj, "comp", 2), h, 0, kT0 + 200);
  EXPECT_EQ(comp_state(2).state, FrameState::kSucceeded);
  EXPECT_EQ(comp_state(2).depend_count, 0);
}

TEST_P(StoreConformanceTest, DropDependsSatisfiesWhatTheEntityWaitsOnByTarget) {
  NewJob other = testingJob("other");
  std::string sim = addLayer(other, "sim", 1, 2);
  create(other);
  NewJob nj = testingJob("dropper");
  std::string prep = addLayer(nj, "prep", 1, 1);
  std::string comp = addLayer(nj, "comp", 1, 2);
  const std::string comp1 = frameOf(nj, "comp", 1).id, comp2 = frameOf(nj, "comp", 2).id;
  core::Depend internal =
      makeDepend(DependType::kLayerOnLayer, nj.job.id, comp, "", nj.job.id, prep, "");
  core::Depend external =
      makeDepend(DependType::kLayerOnLayer, nj.job.id, comp, "", other.job.id, sim, "");
  core::Depend fof1 = makeDepend(DependType::kFrameOnFrame, nj.job.id, comp, comp1, other.job.id,
                                 sim, frameOf(other, "sim", 1).id);
  core::Depend fof2 = makeDepend(DependType::kFrameOnFrame, nj.job.id, comp, comp2, other.job.id,
                                 sim, frameOf(other, "sim", 2).id);
  nj.depends = {internal, external, fof1, fof2};
  create(nj);
  for (const auto& f : frames(nj.job.id, "comp")) EXPECT_EQ(f.depend_count, 3) << f.name;
  auto active = [&](const core::Depend& d) {
    return must(store().getDepend(d.id), "getDepend").active;
  };
  using E = core::DependEntity;
  using T = core::DependTarget;

  // A frame drops only its own depends.
  DependChangeResult r = must(store().dropDepends(E::kFrame, comp1, T::kAnyTarget), "drop");
  EXPECT_EQ(r.depends, std::vector<std::string>{fof1.id});
  EXPECT_FALSE(active(fof1));
  EXPECT_TRUE(active(fof2));
  EXPECT_EQ(frame(comp1).depend_count, 2);
  EXPECT_EQ(frame(comp2).depend_count, 3);

  // The layer, internal only: the depend on prep.
  r = must(store().dropDepends(E::kLayer, comp, T::kInternal), "drop");
  EXPECT_EQ(r.depends, std::vector<std::string>{internal.id});
  EXPECT_TRUE(active(external));
  EXPECT_EQ(frame(comp1).depend_count, 1);

  // The job, external: the layer depend and the frame depend left.
  r = must(store().dropDepends(E::kJob, nj.job.id, T::kExternal), "drop");
  EXPECT_EQ(std::set<std::string>(r.depends.begin(), r.depends.end()),
            (std::set<std::string>{external.id, fof2.id}));
  EXPECT_EQ(r.job_ids, std::vector<std::string>{nj.job.id});
  for (const auto& f : frames(nj.job.id)) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  // Nothing left to drop.
  r = must(store().dropDepends(E::kJob, nj.job.id, T::kAnyTarget), "drop");
  EXPECT_TRUE(r.depends.empty());
  // Dropped depends stay listed, satisfied.
  EXPECT_EQ(must(store().dependsOn(E::kJob, nj.job.id), "dependsOn").size(), 4u);
}

}  // namespace cue::store::conformance

// The storage conformance suite, part five: settings patches, deletes of groups, shows,
// hosts, facilities and allocations, farm settings, owners and deeds, comment edits, and
// the frame operations the application decides (markFramesWaiting, markFrameDepend,
// dispatch orders, GetUpdatedFrames stamps). Same fixture and rules as store_conformance.h.
#pragma once

#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace cue::store::conformance {

TEST_P(StoreConformanceTest, PatchesStoreOnlyWhatTheyName) {
  NewJob nj = testingJob("patch");
  const std::string layer_id = addLayer(nj, "render", 1, 3);
  create(nj);
  JobPatch jp;
  jp.max_retries = 9;
  jp.auto_eat = true;
  must(store().updateJob(nj.job.id, jp), "updateJob");
  core::Job j = job(nj.job.id);
  EXPECT_EQ(j.max_retries, 9);
  EXPECT_TRUE(j.auto_eat);
  EXPECT_EQ(j.priority, nj.job.priority) << "unnamed fields keep their value";
  EXPECT_EQ(j.group_name, "testing") << "a job carries its group's name";
  LayerPatch lp;
  lp.timeout_min = 30;
  lp.outputs = std::vector<std::string>{"/out/a.exr"};
  lp.start_after = 42;
  lp.memory_optimizer = true;
  must(store().updateLayer(layer_id, lp), "updateLayer");
  core::Layer l = must(store().getLayer(layer_id), "getLayer");
  EXPECT_EQ(l.timeout_min, 30);
  EXPECT_EQ(l.outputs, std::vector<std::string>{"/out/a.exr"});
  EXPECT_EQ(l.start_after, 42);
  EXPECT_TRUE(l.memory_optimizer);
  EXPECT_EQ(l.min_cores, 100);
  EXPECT_CODE(store().updateJob("no-such-job", jp), kNotFound);
  EXPECT_CODE(store().updateLayer("no-such-layer", lp), kNotFound);
  ShowPatch sp;
  sp.default_max_gpus = 7;
  sp.scheduler_managed = true;
  must(store().updateShow(show("testing").id, sp), "updateShow");
  EXPECT_EQ(show("testing").default_max_gpus, 7);
  EXPECT_TRUE(show("testing").scheduler_managed);
}

TEST_P(StoreConformanceTest, GroupsMoveRenameAndDelete) {
  core::Show s = show("testing");
  core::Group root = rootGroup(s);
  core::Group a = must(store().createGroup(s.id, "", "a"), "createGroup");
  core::Group b = must(store().createGroup(s.id, a.id, "b"), "createGroup");
  GroupPatch move;
  move.parent_id = root.id;
  must(store().updateGroup(b.id, move), "updateGroup");
  EXPECT_EQ(must(store().getGroup(b.id), "getGroup").parent_id, root.id);
  GroupPatch clash;
  clash.name = "a";
  EXPECT_CODE(store().updateGroup(b.id, clash), kAlreadyExists);
  GroupPatch empty;
  empty.name = "";
  EXPECT_CODE(store().updateGroup(b.id, empty), kInvalidArgument);
  EXPECT_CODE(store().updateGroup(root.id, move), kFailedPrecondition);
  EXPECT_CODE(store().deleteGroup(root.id), kFailedPrecondition);
  NewJob nj = newJob(s, b, "ingroup");
  addLayer(nj, "render", 1, 1);
  create(nj);
  EXPECT_CODE(store().deleteGroup(b.id), kFailedPrecondition);  // holds a pending job
  must(store().deleteGroup(a.id), "deleteGroup");
  EXPECT_CODE(store().getGroup(a.id), kNotFound);
}

TEST_P(StoreConformanceTest, ShowsWithJobsAreKeptOthersDeleted) {
  core::Show fresh = must(store().createShow("scratch"), "createShow");
  must(store().createOwner(fresh.id, "desk1"), "createOwner");
  must(store().deleteShow(fresh.id), "deleteShow");
  EXPECT_CODE(store().findShow("scratch"), kNotFound);
  EXPECT_CODE(store().findOwner("desk1"), kNotFound);
  create(testingJob("keeps"));
  EXPECT_CODE(store().deleteShow(show("testing").id), kFailedPrecondition);
}

TEST_P(StoreConformanceTest, FacilitiesAllocationsAndTheDefault) {
  core::Facility f = must(store().createFacility("mars"), "createFacility");
  EXPECT_CODE(store().createFacility("mars"), kAlreadyExists);
  EXPECT_CODE(store().createFacility("a.b"), kInvalidArgument);
  core::Allocation a = must(store().createAllocation(f.id, "render", "marsrender"), "createAlloc");
  EXPECT_EQ(a.name, "mars.render");
  core::Host h = bootHost("mhost");
  HostPatch hp;
  hp.alloc_id = a.id;
  must(store().updateHost(h.id, hp), "updateHost");
  core::Host moved = host(h.id);
  EXPECT_EQ(moved.alloc_name, "mars.render");
  EXPECT_NE(std::find(moved.tags.begin(), moved.tags.end(), "marsrender"), moved.tags.end());
  AllocationPatch ap;
  ap.tag = "redplanet";
  must(store().updateAllocation(a.id, ap), "updateAllocation");
  moved = host(h.id);
  EXPECT_NE(std::find(moved.tags.begin(), moved.tags.end(), "redplanet"), moved.tags.end());
  EXPECT_CODE(store().deleteAllocation(a.id), kFailedPrecondition);  // holds a host
  must(store().renameFacility(f.id, "venus"), "renameFacility");
  EXPECT_EQ(must(store().getAllocation(a.id), "getAllocation").name, "venus.render");
  EXPECT_CODE(store().deleteFacility(f.id), kFailedPrecondition);
  // New hosts join the farm's default allocation.
  must(store().setSetting("default_allocation", a.id), "setSetting");
  EXPECT_EQ(bootHost("newhost", 800, 16 * kKbPerGb, kT0, "venus").alloc_name, "venus.render");
  EXPECT_CODE(store().getSetting("nothing"), kNotFound);
}

TEST_P(StoreConformanceTest, OwnersTakeHostsByDeed) {
  core::Host h = bootHost("desk");
  core::Owner o = must(store().createOwner(show("testing").id, "artist"), "createOwner");
  core::Owner other = must(store().createOwner(show("testing").id, "artist2"), "createOwner");
  must(store().takeOwnership(o.id, h.id), "takeOwnership");
  core::Deed d = must(store().takeOwnership(other.id, h.id), "takeOwnership");
  EXPECT_EQ(must(store().getHostDeed(h.id), "getHostDeed").owner_id, other.id)
      << "a host has one owner";
  EXPECT_TRUE(must(store().getDeeds(o.id, ""), "getDeeds").empty());
  EXPECT_EQ(must(store().getDeeds("", show("testing").id), "getDeeds").size(), 1u);
  must(store().deleteDeed(d.id), "deleteDeed");
  EXPECT_CODE(store().deleteDeed(d.id), kNotFound);
  EXPECT_CODE(store().takeOwnership(o.id, "no-such-host"), kNotFound);
}

TEST_P(StoreConformanceTest, FramesMarkedWaitingThenDependAgain) {
  NewJob first = testingJob("first");
  addLayer(first, "render", 1, 2);
  create(first);
  NewJob second = testingJob("second");
  addLayer(second, "comp", 1, 2);
  create(second);
  core::Depend d = makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", "");
  must(store().createDepends({d}).status(), "createDepends");
  auto fs = frames(second.job.id);
  EXPECT_EQ(fs[0].state, core::FrameState::kDepend);
  auto changed = must(store().markFramesWaiting({fs[0].id}), "markFramesWaiting");
  EXPECT_EQ(changed.size(), 1u);
  EXPECT_EQ(frame(fs[0].id).state, core::FrameState::kWaiting);
  EXPECT_EQ(frame(fs[1].id).state, core::FrameState::kDepend);
  must(store().markFrameDepend(fs[0].id), "markFrameDepend");
  EXPECT_EQ(frame(fs[0].id).state, core::FrameState::kDepend);
  EXPECT_EQ(frame(fs[0].id).depend_count, 1);
  EXPECT_GT(frame(fs[0].id).updated_time, 0) << "every change stamps the frame";
  must(store().setFrameDispatchOrders({{fs[0].id, 5}, {fs[1].id, 4}}), "setFrameDispatchOrders");
  EXPECT_EQ(frames(second.job.id)[0].id, fs[1].id);
  // The dispatcher's lean read: the layer's WAITING frames only, in the new order.
  must(store().markFramesWaiting({fs[0].id, fs[1].id}), "markFramesWaiting");
  auto waiting = must(store().waitingFrames(second.job.id), "waitingFrames");
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_EQ(waiting[fs[0].layer_id].size(), 2u);
  EXPECT_EQ(waiting[fs[0].layer_id][0].id, fs[1].id);
  EXPECT_EQ(waiting[fs[0].layer_id][0].number, fs[1].number);
  EXPECT_EQ(waiting[fs[0].layer_id][1].id, fs[0].id);
  must(store().markFrameDepend(fs[1].id), "markFrameDepend");
  waiting = must(store().waitingFrames(second.job.id), "waitingFrames");
  ASSERT_EQ(waiting[fs[0].layer_id].size(), 1u);
  EXPECT_EQ(waiting[fs[0].layer_id][0].id, fs[0].id);
  EXPECT_TRUE(must(store().waitingFrames("no-such-job"), "waitingFrames").empty());
  EXPECT_CODE(store().setFrameDispatchOrders({{"no-such-frame", 1}}), kNotFound);
  EXPECT_CODE(store().markFrameDepend("no-such-frame"), kNotFound);
  expectCountsMatchFrames(second.job.id);
  expectCountsMatchFrames(first.job.id);
}

}  // namespace cue::store::conformance

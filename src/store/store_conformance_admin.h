// The storage conformance suite, part two: the Store's administrative writes
// (subscriptions, limits and layers' lists of them, show flags and defaults, groups,
// job/layer/host settings) and out-of-memory completions.
//
// Same fixture and rules as store_conformance.h; a backend test file includes this
// header beside that one, once, and its INSTANTIATE_TEST_SUITE_P covers both.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace cue::store::conformance {

// =================================================================================
// Subscriptions
// =================================================================================

TEST_P(StoreConformanceTest, SetSubscriptionSizeAndBurstAreStored) {
  core::Show s = must(store().createShow("subs"), "createShow");
  core::Allocation alloc = must(store().findAllocation("local.general"), "findAllocation");
  core::Subscription sub =
      must(store().createSubscription(s.id, alloc.id, 1000, 2500), "createSubscription");

  must(store().setSubscriptionSize(sub.id, 1500), "setSubscriptionSize");
  auto subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].size, 1500);
  EXPECT_EQ(subs[0].burst, 2500) << "setting the size leaves the burst";

  must(store().setSubscriptionBurst(sub.id, 4000), "setSubscriptionBurst");
  subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].size, 1500) << "setting the burst leaves the size";
  EXPECT_EQ(subs[0].burst, 4000);

  must(store().setSubscriptionSize(sub.id, 0), "setSubscriptionSize");
  must(store().setSubscriptionBurst(sub.id, 0), "setSubscriptionBurst");
  subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].size, 0);
  EXPECT_EQ(subs[0].burst, 0);
}

TEST_P(StoreConformanceTest, SetSubscriptionSizeOrBurstWithBadInputIsRefused) {
  core::Show s = must(store().createShow("subs"), "createShow");
  core::Allocation alloc = must(store().findAllocation("local.general"), "findAllocation");
  core::Subscription sub =
      must(store().createSubscription(s.id, alloc.id, 1000, 2500), "createSubscription");

  EXPECT_CODE(store().setSubscriptionSize(sub.id, -1), kInvalidArgument);
  EXPECT_CODE(store().setSubscriptionBurst(sub.id, -100), kInvalidArgument);
  EXPECT_CODE(store().setSubscriptionSize(common::newId(), 100), kNotFound);
  EXPECT_CODE(store().setSubscriptionBurst(common::newId(), 100), kNotFound);
  auto subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(fields(subs[0]), fields(sub)) << "a refused change changes nothing";
}

TEST_P(StoreConformanceTest, DeleteSubscriptionStopsTheShowBookingInThatAllocation) {
  NewJob nj = testingJob("unsubscribed");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");  // local.general
  ASSERT_EQ(candidates(h.id).size(), 1u);

  core::Show testing = show("testing");
  const std::string general = must(store().findAllocation("local.general"), "findAllocation").id;
  std::string sub_id;
  for (const auto& sub : must(store().getSubscriptions(testing.id), "getSubscriptions"))
    if (sub.alloc_id == general) sub_id = sub.id;
  ASSERT_FALSE(sub_id.empty()) << "the seeded testing subscription to local.general";

  must(store().deleteSubscription(sub_id), "deleteSubscription");
  auto subs = must(store().getSubscriptions(testing.id), "getSubscriptions");
  EXPECT_EQ(subs.size(), 2u);
  for (const auto& sub : subs) EXPECT_NE(sub.id, sub_id);
  EXPECT_TRUE(candidates(h.id).empty()) << "no subscription, no booking in local.general";

  EXPECT_CODE(store().deleteSubscription(sub_id), kNotFound);
  EXPECT_CODE(store().deleteSubscription(common::newId()), kNotFound);
  EXPECT_EQ(must(store().getSubscriptions(testing.id), "getSubscriptions").size(), 2u);
}

// =================================================================================
// Limits, and layers' lists of them
// =================================================================================

TEST_P(StoreConformanceTest, FindLimitAndGetLimitReturnTheLimit) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  must(store().createLimit("arnold_lic", 4), "createLimit");

  core::Limit by_name = must(store().findLimit("nuke_lic"), "findLimit");
  EXPECT_EQ(by_name.id, lic.id);
  EXPECT_EQ(by_name.name, "nuke_lic");
  EXPECT_EQ(by_name.max_value, 10);
  core::Limit by_id = must(store().getLimit(lic.id), "getLimit");
  EXPECT_EQ(by_id.id, lic.id);
  EXPECT_EQ(by_id.name, "nuke_lic");
  EXPECT_EQ(by_id.max_value, 10);

  EXPECT_CODE(store().findLimit("no_such_lic"), kNotFound);
  EXPECT_CODE(store().findLimit("NUKE_LIC"), kNotFound);
  EXPECT_CODE(store().getLimit(common::newId()), kNotFound);
}

TEST_P(StoreConformanceTest, SetLimitMaxValueIsStoredAndRefusesBadInput) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  must(store().setLimitMaxValue(lic.id, 25), "setLimitMaxValue");
  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").max_value, 25);
  must(store().setLimitMaxValue(lic.id, 0), "setLimitMaxValue");
  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").max_value, 0);

  EXPECT_CODE(store().setLimitMaxValue(lic.id, -1), kInvalidArgument);
  EXPECT_CODE(store().setLimitMaxValue(common::newId(), 5), kNotFound);
  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").max_value, 0);
}

TEST_P(StoreConformanceTest, ServiceOverridesAreScopedToTheirShow) {
  core::Show show = must(store().findShow("testing"), "findShow");
  core::Service prman = must(store().findService("prman"), "findService");
  prman.min_memory = 16 * kKbPerGb;
  core::Service made = must(store().createServiceOverride(show.id, prman), "override");
  EXPECT_NE(made.id, prman.id);
  auto overrides = must(store().getServiceOverrides(show.id), "getServiceOverrides");
  ASSERT_EQ(overrides.size(), 1u);
  EXPECT_EQ(overrides[0].name, "prman");
  EXPECT_EQ(overrides[0].min_memory, 16 * kKbPerGb);
  // the facility-wide service is untouched and still the one findService returns
  EXPECT_NE(must(store().findService("prman"), "findService").min_memory, 16 * kKbPerGb);
  EXPECT_CODE(store().createServiceOverride(show.id, prman), kAlreadyExists);
  EXPECT_CODE(store().createServiceOverride("no-such-show", prman), kNotFound);
  core::Service unnamed;
  EXPECT_CODE(store().createServiceOverride(show.id, unnamed), kInvalidArgument);
  core::Show other = must(store().createShow("othershow"), "createShow");
  EXPECT_TRUE(must(store().getServiceOverrides(other.id), "getServiceOverrides").empty());
}

TEST_P(StoreConformanceTest, ManualHostTagsSurviveAnRqdRestart) {
  HostReportData r = hostReport("tagged01", 800, 16 * kKbPerGb, kT0);
  r.tags = {"linux"};
  core::Host h = must(store().upsertHost(r), "upsertHost");
  must(store().addHostTags(h.id, {"desktop", "fast"}), "addHostTags");
  auto tags = must(store().getHost(h.id), "getHost").tags;
  EXPECT_NE(std::find(tags.begin(), tags.end(), "desktop"), tags.end());
  // the rqd boots again reporting only its hardware tags: the manual ones stay
  tags = must(store().upsertHost(r), "upsertHost").tags;
  EXPECT_NE(std::find(tags.begin(), tags.end(), "desktop"), tags.end());
  EXPECT_NE(std::find(tags.begin(), tags.end(), "fast"), tags.end());
  EXPECT_NE(std::find(tags.begin(), tags.end(), "linux"), tags.end());
  must(store().removeHostTags(h.id, {"fast", "general"}), "removeHostTags");
  tags = must(store().upsertHost(r), "upsertHost").tags;
  EXPECT_EQ(std::find(tags.begin(), tags.end(), "fast"), tags.end());
  EXPECT_NE(std::find(tags.begin(), tags.end(), "general"), tags.end());  // allocation's tag
  EXPECT_CODE(store().addHostTags("no-such-host", {"x"}), kNotFound);
  EXPECT_CODE(store().addHostTags(h.id, {""}), kInvalidArgument);
}

TEST_P(StoreConformanceTest, SlotsOfLayersAndHostsAreStored) {
  NewJob nj = testingJob("slots");
  std::string layer = addLayer(nj, "slotted", 1, 1);
  nj.layers[0].slots_required = 2;
  create(nj);
  EXPECT_EQ(must(store().getLayer(layer), "getLayer").slots_required, 2);
  HostReportData r = hostReport("slothost", 800, 16 * kKbPerGb, kT0);
  r.slots = 4;
  core::Host h = must(store().upsertHost(r), "upsertHost");
  EXPECT_EQ(h.slots, 4);
  r.slots = 0;  // an rqd restarted without --slots: no cap
  EXPECT_EQ(must(store().upsertHost(r), "upsertHost").slots, 0);
  reopenStore();
  EXPECT_EQ(must(store().getLayer(layer), "getLayer").slots_required, 2);
}

TEST_P(StoreConformanceTest, RenameLimitRenamesItInEveryLayerThatNamesIt) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  must(store().createLimit("nuke_lic2", 3), "createLimit");
  NewJob nj = testingJob("limits");
  std::string comp = addLayer(nj, "comp", 1, 1);
  std::string other = addLayer(nj, "other", 1, 1);
  std::string none = addLayer(nj, "none", 1, 1);
  nj.layers[0].limits = {"disk", "nuke_lic"};
  nj.layers[1].limits = {"nuke_lic2"};  // holds the old name as a prefix: not a mention
  create(nj);

  must(store().renameLimit(lic.id, "nuke15_lic"), "renameLimit");
  core::Limit renamed = must(store().findLimit("nuke15_lic"), "findLimit");
  EXPECT_EQ(renamed.id, lic.id);
  EXPECT_EQ(renamed.max_value, 10);
  EXPECT_CODE(store().findLimit("nuke_lic"), kNotFound);
  EXPECT_EQ(must(store().getLayer(comp), "getLayer").limits,
            (std::vector<std::string>{"disk", "nuke15_lic"}));
  EXPECT_EQ(must(store().getLayer(other), "getLayer").limits,
            (std::vector<std::string>{"nuke_lic2"}));
  EXPECT_TRUE(must(store().getLayer(none), "getLayer").limits.empty());

  must(store().renameLimit(lic.id, "nuke15_lic"), "renameLimit to its own name");
  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").name, "nuke15_lic");

  reopenStore();
  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").name, "nuke15_lic");
  EXPECT_EQ(must(store().getLayer(comp), "getLayer").limits,
            (std::vector<std::string>{"disk", "nuke15_lic"}));
}

TEST_P(StoreConformanceTest, RenameLimitWithTakenOrBadNameIsRefused) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  must(store().createLimit("arnold_lic", 4), "createLimit");
  NewJob nj = testingJob("limits");
  std::string comp = addLayer(nj, "comp", 1, 1);
  nj.layers[0].limits = {"nuke_lic"};
  create(nj);

  EXPECT_CODE(store().renameLimit(lic.id, "arnold_lic"), kAlreadyExists);
  EXPECT_CODE(store().renameLimit(lic.id, ""), kInvalidArgument);
  EXPECT_CODE(store().renameLimit(lic.id, "a | b"), kInvalidArgument);
  EXPECT_CODE(store().renameLimit(lic.id, " padded"), kInvalidArgument);
  EXPECT_CODE(store().renameLimit(common::newId(), "fresh_name"), kNotFound);

  EXPECT_EQ(must(store().getLimit(lic.id), "getLimit").name, "nuke_lic");
  EXPECT_EQ(must(store().getLayer(comp), "getLayer").limits,
            (std::vector<std::string>{"nuke_lic"}));
  EXPECT_EQ(must(store().getLimits(), "getLimits").size(), 2u);
}

TEST_P(StoreConformanceTest, DeleteLimitRemovesItAndItsMentionsInLayers) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  core::Limit keep = must(store().createLimit("disk", 2), "createLimit");
  NewJob nj = testingJob("limits");
  std::string comp = addLayer(nj, "comp", 1, 1);
  std::string other = addLayer(nj, "other", 1, 1);
  nj.layers[0].limits = {"nuke_lic", "disk"};
  nj.layers[1].limits = {"nuke_lic"};
  create(nj);

  must(store().deleteLimit(lic.id), "deleteLimit");
  auto limits = must(store().getLimits(), "getLimits");
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].id, keep.id);
  EXPECT_CODE(store().getLimit(lic.id), kNotFound);
  EXPECT_CODE(store().findLimit("nuke_lic"), kNotFound);
  EXPECT_EQ(must(store().getLayer(comp), "getLayer").limits, (std::vector<std::string>{"disk"}));
  EXPECT_TRUE(must(store().getLayer(other), "getLayer").limits.empty());

  EXPECT_CODE(store().deleteLimit(lic.id), kNotFound);
  EXPECT_CODE(store().deleteLimit(common::newId()), kNotFound);
  EXPECT_EQ(must(store().getLimits(), "getLimits").size(), 1u);
}

TEST_P(StoreConformanceTest, AddAndDropLayerLimitEditTheLayersListByName) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  core::Limit disk = must(store().createLimit("disk", 2), "createLimit");
  NewJob nj = testingJob("limits");
  std::string comp = addLayer(nj, "comp", 1, 1);
  create(nj);
  auto limitsOf = [&] { return must(store().getLayer(comp), "getLayer").limits; };

  must(store().addLayerLimit(comp, lic.id), "addLayerLimit");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"nuke_lic"}));
  must(store().addLayerLimit(comp, disk.id), "addLayerLimit");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"nuke_lic", "disk"}));
  must(store().addLayerLimit(comp, lic.id), "addLayerLimit again");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"nuke_lic", "disk"})) << "adding twice: no-op";

  must(store().dropLayerLimit(comp, lic.id), "dropLayerLimit");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"disk"}));
  must(store().dropLayerLimit(comp, lic.id), "dropLayerLimit again");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"disk"})) << "dropping an absent limit: no-op";

  // A renamed limit is dropped by its new name.
  must(store().renameLimit(disk.id, "scratch"), "renameLimit");
  EXPECT_EQ(limitsOf(), (std::vector<std::string>{"scratch"}));
  must(store().dropLayerLimit(comp, disk.id), "dropLayerLimit");
  EXPECT_TRUE(limitsOf().empty());
}

TEST_P(StoreConformanceTest, AddOrDropLayerLimitOfUnknownLayerOrLimitIsNotFound) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  NewJob nj = testingJob("limits");
  std::string comp = addLayer(nj, "comp", 1, 1);
  create(nj);

  EXPECT_CODE(store().addLayerLimit(common::newId(), lic.id), kNotFound);
  EXPECT_CODE(store().addLayerLimit(comp, common::newId()), kNotFound);
  EXPECT_CODE(store().dropLayerLimit(common::newId(), lic.id), kNotFound);
  EXPECT_CODE(store().dropLayerLimit(comp, common::newId()), kNotFound);
  EXPECT_TRUE(must(store().getLayer(comp), "getLayer").limits.empty());
}

// =================================================================================
// Out-of-memory completions
// =================================================================================

TEST_P(StoreConformanceTest, OomCompletionRequeuesWithoutRetryAndRaisesReservedMemory) {
  NewJob nj = testingJob("oom");
  nj.job.max_retries = 1;
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  const core::Frame& f = frameOf(nj, "a", 1);

  // Twice killed for memory: more than max_retries, yet no retry is counted.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    SCOPED_TRACE(attempt);
    core::EpochSec start = kT0 + attempt * 1000;
    std::string proc = run(h, f, 100, attempt * kKbPerGb, start);
    FrameCompletion c = completion(proc, f, h, 137, start + 60, 60, 3 * kKbPerGb);
    c.exit_signal = 9;
    c.oom_retry_memory = (attempt + 1) * kKbPerGb;
    CompletionResult r = must(store().completeFrame(c), "completeFrame");
    EXPECT_EQ(r.new_state, FrameState::kWaiting);
    EXPECT_FALSE(r.job_finished);
    core::Frame got = frame(f.id);
    EXPECT_EQ(got.state, FrameState::kWaiting);
    EXPECT_EQ(got.retry_count, 0) << "an out-of-memory kill counts no retry";
    EXPECT_EQ(got.reserved_memory, (attempt + 1) * kKbPerGb);
    EXPECT_EQ(got.exit_status, 137);
    EXPECT_EQ(got.exit_signal, 9);
    EXPECT_EQ(got.stop_time, start + 60);
    EXPECT_EQ(got.max_rss, 3 * kKbPerGb);
    EXPECT_EQ(host(h.id).idle_memory, 16 * kKbPerGb) << "the proc is released";
  }
  auto cands = candidates(h.id);
  ASSERT_EQ(cands.size(), 1u) << "the frame is dispatched again";
  ASSERT_EQ(cands[0].waiting.size(), 1u);
  EXPECT_EQ(cands[0].waiting[0].reserved_memory, 3 * kKbPerGb);

  // Every attempt has its history row, with the memory it ran with.
  auto hist = must(store().getFrameHistory(f.id), "getFrameHistory");
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].reserved_memory, kKbPerGb);
  EXPECT_EQ(hist[1].reserved_memory, 2 * kKbPerGb);
  EXPECT_EQ(hist[0].exit_signal, 9);
  EXPECT_EQ(hist[1].exit_status, 137);
}

TEST_P(StoreConformanceTest, NormalFailureAfterOomCompletionStillCountsARetry) {
  NewJob nj = testingJob("oomthenfail");
  nj.job.max_retries = 1;
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);

  std::string p1 = run(h, f, 100, kKbPerGb, kT0);
  FrameCompletion oom = completion(p1, f, h, 1, kT0 + 60);
  oom.exit_signal = 9;
  oom.oom_retry_memory = 4 * kKbPerGb;
  must(store().completeFrame(oom), "completeFrame");
  EXPECT_EQ(frame(f.id).retry_count, 0);

  // oom_retry_memory 0: the usual rules, a failure counts a retry and memory stays.
  std::string p2 = run(h, f, 100, 4 * kKbPerGb, kT0 + 100);
  CompletionResult r2 = complete(p2, f, h, 1, kT0 + 160);
  EXPECT_EQ(r2.new_state, FrameState::kWaiting);
  core::Frame got = frame(f.id);
  EXPECT_EQ(got.retry_count, 1);
  EXPECT_EQ(got.reserved_memory, 4 * kKbPerGb);

  std::string p3 = run(h, f, 100, 4 * kKbPerGb, kT0 + 200);
  CompletionResult r3 = complete(p3, f, h, 1, kT0 + 260);
  EXPECT_EQ(r3.new_state, FrameState::kDead) << "out of retries";
  EXPECT_EQ(frame(f.id).retry_count, 2);
  EXPECT_EQ(must(store().getFrameHistory(f.id), "getFrameHistory").size(), 3u);
}

TEST_P(StoreConformanceTest, OomCompletionOfAKilledJobsFrameDoesNotRequeueIt) {
  NewJob nj = testingJob("oomkilled");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f, 100, kKbPerGb, kT0);
  must(store().killJob(nj.job.id, kT0 + 10), "killJob");

  FrameCompletion c = completion(proc, f, h, 1, kT0 + 20);
  c.exit_signal = 9;
  c.oom_retry_memory = 8 * kKbPerGb;
  CompletionResult r = must(store().completeFrame(c), "completeFrame");
  EXPECT_EQ(r.new_state, FrameState::kDead);
  core::Frame got = frame(f.id);
  EXPECT_EQ(got.state, FrameState::kDead);
  EXPECT_EQ(got.reserved_memory, kKbPerGb);
  EXPECT_TRUE(must(store().getProcs(ProcSearch{}), "getProcs").empty());
}

TEST_P(StoreConformanceTest, NegativeOomRetryMemoryIsInvalidArgumentAndChangesNothing) {
  NewJob nj = testingJob("oombad");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f, 100, kKbPerGb, kT0);

  FrameCompletion c = completion(proc, f, h, 1, kT0 + 60);
  c.oom_retry_memory = -1;
  EXPECT_CODE(store().completeFrame(c), kInvalidArgument);
  EXPECT_EQ(frame(f.id).state, FrameState::kRunning);
  EXPECT_EQ(must(store().getProcs(ProcSearch{}), "getProcs").size(), 1u);
  EXPECT_TRUE(must(store().getFrameHistory(f.id), "getFrameHistory").empty());
}

// =================================================================================
// Shows and groups
// =================================================================================

TEST_P(StoreConformanceTest, SetShowFlagsChangesOnlyTheGivenFlags) {
  core::Show s = must(store().createShow("flags"), "createShow");
  must(store().setShowFlags(s.id, false, std::nullopt, std::nullopt), "setShowFlags");
  core::Show got = must(store().getShow(s.id), "getShow");
  EXPECT_FALSE(got.active);
  EXPECT_TRUE(got.booking_enabled);
  EXPECT_TRUE(got.dispatch_enabled);

  must(store().setShowFlags(s.id, std::nullopt, false, false), "setShowFlags");
  got = must(store().getShow(s.id), "getShow");
  EXPECT_FALSE(got.active);
  EXPECT_FALSE(got.booking_enabled);
  EXPECT_FALSE(got.dispatch_enabled);

  must(store().setShowFlags(s.id, true, true, std::nullopt), "setShowFlags");
  got = must(store().getShow(s.id), "getShow");
  EXPECT_TRUE(got.active);
  EXPECT_TRUE(got.booking_enabled);
  EXPECT_FALSE(got.dispatch_enabled);

  must(store().setShowFlags(s.id, std::nullopt, std::nullopt, std::nullopt), "no flags");
  EXPECT_TRUE(show("testing").active) << "other shows are untouched";
  EXPECT_CODE(store().setShowFlags(common::newId(), false, std::nullopt, std::nullopt), kNotFound);
  EXPECT_CODE(store().setShowFlags(common::newId(), std::nullopt, std::nullopt, std::nullopt),
              kNotFound);
}

TEST_P(StoreConformanceTest, SetShowDefaultCoresStoresGivenValuesAndRefusesBadInput) {
  core::Show s = must(store().createShow("cores"), "createShow");
  must(store().setShowDefaultCores(s.id, 200, std::nullopt), "setShowDefaultCores");
  core::Show got = must(store().getShow(s.id), "getShow");
  EXPECT_EQ(got.default_min_cores, 200);
  EXPECT_EQ(got.default_max_cores, 20000);
  must(store().setShowDefaultCores(s.id, std::nullopt, 5000), "setShowDefaultCores");
  got = must(store().getShow(s.id), "getShow");
  EXPECT_EQ(got.default_min_cores, 200);
  EXPECT_EQ(got.default_max_cores, 5000);
  must(store().setShowDefaultCores(s.id, 100, 800), "setShowDefaultCores");
  got = must(store().getShow(s.id), "getShow");
  EXPECT_EQ(got.default_min_cores, 100);
  EXPECT_EQ(got.default_max_cores, 800);

  EXPECT_CODE(store().setShowDefaultCores(s.id, -1, std::nullopt), kInvalidArgument);
  EXPECT_CODE(store().setShowDefaultCores(s.id, std::nullopt, -100), kInvalidArgument);
  EXPECT_CODE(store().setShowDefaultCores(s.id, 900, 800), kInvalidArgument);
  EXPECT_CODE(store().setShowDefaultCores(common::newId(), 100, std::nullopt), kNotFound);
  got = must(store().getShow(s.id), "getShow");
  EXPECT_EQ(got.default_min_cores, 100);
  EXPECT_EQ(got.default_max_cores, 800);
}

TEST_P(StoreConformanceTest, CreateGroupAddsGroupsUnderRootOrAGivenParent) {
  core::Show testing = show("testing");
  core::Group root = rootGroup(testing);
  core::Group lighting = must(store().createGroup(testing.id, "", "lighting"), "createGroup");
  EXPECT_FALSE(lighting.id.empty());
  EXPECT_EQ(lighting.name, "lighting");
  EXPECT_EQ(lighting.show_id, testing.id);
  EXPECT_EQ(lighting.parent_id, root.id) << "no parent: under the show's root group";
  EXPECT_EQ(lighting.min_cores, 0);
  EXPECT_EQ(lighting.max_cores, -1);
  EXPECT_EQ(lighting.default_job_priority, -1);

  core::Group seq = must(store().createGroup(testing.id, lighting.id, "seq01"), "createGroup");
  EXPECT_EQ(seq.parent_id, lighting.id);
  core::Group seq_root = must(store().createGroup(testing.id, root.id, "seq01"), "createGroup");
  EXPECT_EQ(seq_root.parent_id, root.id) << "one name may be used under different parents";

  auto groups = must(store().getGroups(testing.id), "getGroups");
  EXPECT_EQ(namesOf(groups, [](const core::Group& g) { return g.id; }),
            (std::set<std::string>{root.id, lighting.id, seq.id, seq_root.id}));
  EXPECT_EQ(rootGroup(testing).id, root.id) << "the root group stays the root";

  // A job can be placed in the new group.
  NewJob nj = testingJob("grouped");
  nj.job.group_id = seq.id;
  addLayer(nj, "a", 1, 1);
  create(nj);
  EXPECT_EQ(job(nj.job.id).group_id, seq.id);
}

TEST_P(StoreConformanceTest, CreateGroupWithDuplicateOrBadInputIsRefused) {
  core::Show testing = show("testing");
  core::Show other = must(store().createShow("other"), "createShow");
  core::Group lighting = must(store().createGroup(testing.id, "", "lighting"), "createGroup");

  EXPECT_CODE(store().createGroup(testing.id, "", "lighting"), kAlreadyExists);
  EXPECT_CODE(store().createGroup(testing.id, rootGroup(testing).id, "lighting"), kAlreadyExists);
  EXPECT_CODE(store().createGroup(testing.id, "", ""), kInvalidArgument);
  EXPECT_CODE(store().createGroup(common::newId(), "", "fx"), kNotFound);
  EXPECT_CODE(store().createGroup(testing.id, common::newId(), "fx"), kNotFound);
  // A parent of another show.
  EXPECT_CODE(store().createGroup(other.id, lighting.id, "fx"), kInvalidArgument);
  EXPECT_EQ(must(store().getGroups(testing.id), "getGroups").size(), 2u);
  EXPECT_EQ(must(store().getGroups(other.id), "getGroups").size(), 1u);
}

TEST_P(StoreConformanceTest, SetGroupCoresStoresGivenValuesAndRefusesBadInput) {
  core::Show testing = show("testing");
  core::Group g = must(store().createGroup(testing.id, "", "lighting"), "createGroup");
  auto groupOf = [&](const std::string& id) {
    for (const auto& x : must(store().getGroups(testing.id), "getGroups"))
      if (x.id == id) return x;
    throw std::runtime_error("group " + id + " is gone");
  };

  must(store().setGroupCores(g.id, 100, 1000), "setGroupCores");
  EXPECT_EQ(groupOf(g.id).min_cores, 100);
  EXPECT_EQ(groupOf(g.id).max_cores, 1000);
  must(store().setGroupCores(g.id, std::nullopt, -1), "setGroupCores unlimited");
  EXPECT_EQ(groupOf(g.id).min_cores, 100);
  EXPECT_EQ(groupOf(g.id).max_cores, -1);
  must(store().setGroupCores(g.id, 5000, -1), "setGroupCores");
  EXPECT_EQ(groupOf(g.id).min_cores, 5000) << "any floor under an unlimited cap";
  must(store().setGroupCores(g.id, 0, std::nullopt), "setGroupCores");
  EXPECT_EQ(groupOf(g.id).min_cores, 0);
  EXPECT_EQ(groupOf(g.id).max_cores, -1);

  EXPECT_CODE(store().setGroupCores(g.id, -1, std::nullopt), kInvalidArgument);
  EXPECT_CODE(store().setGroupCores(g.id, std::nullopt, -2), kInvalidArgument);
  EXPECT_CODE(store().setGroupCores(g.id, 300, 200), kInvalidArgument);
  EXPECT_CODE(store().setGroupCores(common::newId(), 100, 200), kNotFound);
  EXPECT_EQ(groupOf(g.id).min_cores, 0);
  EXPECT_EQ(groupOf(g.id).max_cores, -1);
  EXPECT_EQ(rootGroup(testing).max_cores, -1) << "other groups are untouched";
}

// =================================================================================
// Jobs and layers
// =================================================================================

TEST_P(StoreConformanceTest, SetJobMinMaxCoresStoresGivenValuesAndRefusesBadInput) {
  NewJob nj = testingJob("cores");
  addLayer(nj, "a", 1, 1);
  create(nj);
  must(store().setJobMinMaxCores(nj.job.id, 200, std::nullopt), "setJobMinMaxCores");
  EXPECT_EQ(job(nj.job.id).min_cores, 200);
  EXPECT_EQ(job(nj.job.id).max_cores, 20000);
  must(store().setJobMinMaxCores(nj.job.id, std::nullopt, 800), "setJobMinMaxCores");
  EXPECT_EQ(job(nj.job.id).min_cores, 200);
  EXPECT_EQ(job(nj.job.id).max_cores, 800);
  must(store().setJobMinMaxCores(nj.job.id, 0, 400), "setJobMinMaxCores");
  EXPECT_EQ(job(nj.job.id).min_cores, 0);
  EXPECT_EQ(job(nj.job.id).max_cores, 400);

  EXPECT_CODE(store().setJobMinMaxCores(nj.job.id, -100, std::nullopt), kInvalidArgument);
  EXPECT_CODE(store().setJobMinMaxCores(nj.job.id, std::nullopt, -1), kInvalidArgument);
  EXPECT_CODE(store().setJobMinMaxCores(nj.job.id, 500, 400), kInvalidArgument);
  EXPECT_CODE(store().setJobMinMaxCores(common::newId(), 100, std::nullopt), kNotFound);
  EXPECT_EQ(job(nj.job.id).min_cores, 0);
  EXPECT_EQ(job(nj.job.id).max_cores, 400);
}

TEST_P(StoreConformanceTest, SetLayerTagsReplacesTheTagsAndRefusesBadInput) {
  NewJob nj = testingJob("tags");
  std::string a = addLayer(nj, "a", 1, 1);
  std::string b = addLayer(nj, "b", 1, 1);
  create(nj);
  must(store().setLayerTags(a, {"gpu", "linux"}), "setLayerTags");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").tags, (std::vector<std::string>{"gpu", "linux"}));
  EXPECT_EQ(must(store().getLayer(b), "getLayer").tags, (std::vector<std::string>{"general"}));
  must(store().setLayerTags(a, {}), "setLayerTags none");
  EXPECT_TRUE(must(store().getLayer(a), "getLayer").tags.empty());

  EXPECT_CODE(store().setLayerTags(a, {"gpu", ""}), kInvalidArgument);
  EXPECT_CODE(store().setLayerTags(a, {"gpu | linux"}), kInvalidArgument);
  EXPECT_CODE(store().setLayerTags(a, {"gpu "}), kInvalidArgument);
  EXPECT_CODE(store().setLayerTags(common::newId(), {"gpu"}), kNotFound);
  EXPECT_TRUE(must(store().getLayer(a), "getLayer").tags.empty());
}

TEST_P(StoreConformanceTest, SetLayerMinCoresAndMinMemoryAreStored) {
  NewJob nj = testingJob("layerres");
  std::string a = addLayer(nj, "a", 1, 1, 100, kKbPerGb);
  create(nj);
  must(store().setLayerMinCores(a, 400), "setLayerMinCores");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").min_cores, 400);
  must(store().setLayerMinCores(a, 0), "setLayerMinCores whole host");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").min_cores, 0);
  must(store().setLayerMinCores(a, -100), "setLayerMinCores all but one core");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").min_cores, -100);

  must(store().setLayerMinMemory(a, 8 * kKbPerGb), "setLayerMinMemory");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").min_memory, 8 * kKbPerGb);
  must(store().setLayerMinMemory(a, 0), "setLayerMinMemory");
  EXPECT_EQ(must(store().getLayer(a), "getLayer").min_memory, 0);

  EXPECT_CODE(store().setLayerMinMemory(a, -1), kInvalidArgument);
  EXPECT_CODE(store().setLayerMinCores(common::newId(), 100), kNotFound);
  EXPECT_CODE(store().setLayerMinMemory(common::newId(), kKbPerGb), kNotFound);
  core::Layer got = must(store().getLayer(a), "getLayer");
  EXPECT_EQ(got.min_cores, -100);
  EXPECT_EQ(got.min_memory, 0);
}

// =================================================================================
// Hosts
// =================================================================================

TEST_P(StoreConformanceTest, SetHostTagsAndThreadModeAreStored) {
  core::Host h = bootHost("render01");
  core::Host other = bootHost("render02");
  must(store().setHostTags(h.id, {"general", "gpu", "fast"}), "setHostTags");
  EXPECT_EQ(host(h.id).tags, (std::vector<std::string>{"general", "gpu", "fast"}));
  EXPECT_EQ(host(other.id).tags, other.tags) << "other hosts are untouched";
  must(store().setHostThreadMode(h.id, core::ThreadMode::kAll), "setHostThreadMode");
  EXPECT_EQ(host(h.id).thread_mode, core::ThreadMode::kAll);
  must(store().setHostThreadMode(h.id, core::ThreadMode::kVariable), "setHostThreadMode");
  EXPECT_EQ(host(h.id).thread_mode, core::ThreadMode::kVariable);
  EXPECT_EQ(host(other.id).thread_mode, core::ThreadMode::kAuto);

  EXPECT_CODE(store().setHostTags(h.id, {""}), kInvalidArgument);
  EXPECT_CODE(store().setHostTags(h.id, {"a|b"}), kInvalidArgument);
  EXPECT_CODE(store().setHostTags(common::newId(), {"gpu"}), kNotFound);
  EXPECT_CODE(store().setHostThreadMode(common::newId(), core::ThreadMode::kAll), kNotFound);
  EXPECT_EQ(host(h.id).tags, (std::vector<std::string>{"general", "gpu", "fast"}));
}

}  // namespace cue::store::conformance

#include "core/filter_rules.h"

#include <gtest/gtest.h>

namespace cue::core {
namespace {

Job testJob() {
  Job j;
  j.id = "j1";
  j.name = "pipe-sh010-alice_Lighting";
  j.show = "pipe";
  j.shot = "sh010";
  j.user = "alice";
  j.facility = "local";
  j.priority = 10;
  j.group_id = "root";
  return j;
}

std::vector<Layer> testLayers() {
  Layer render;
  render.id = "l1";
  render.name = "beauty";
  render.type = LayerType::kRender;
  render.services = {"prman", "shell"};
  Layer util;
  util.id = "l2";
  util.name = "cleanup";
  util.type = LayerType::kUtil;
  util.services = {"shell"};
  return {render, util};
}

Matcher m(MatchSubject subject, MatchType type, std::string input) {
  Matcher x;
  x.subject = subject;
  x.type = type;
  x.input = std::move(input);
  return x;
}

Action act(ActionType type, ActionValueType vt) {
  Action a;
  a.type = type;
  a.value_type = vt;
  return a;
}

FilterDefinition filter(std::string name, FilterType type, std::vector<Matcher> matchers,
                        std::vector<Action> actions) {
  FilterDefinition f;
  f.filter.name = std::move(name);
  f.filter.type = type;
  f.matchers = std::move(matchers);
  f.actions = std::move(actions);
  return f;
}

TEST(FilterRulesTest, MatchTypesOnJobName) {
  const Job j = testJob();
  const auto l = testLayers();
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kJobName, MatchType::kContains, "sh010"), j, l));
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kJobName, MatchType::kDoesNotContain, "sh010"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kJobName, MatchType::kIs, "pipe-sh010-alice_lighting"), j, l));
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kJobName, MatchType::kIsNot, "pipe-sh010-alice_lighting"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kJobName, MatchType::kBeginsWith, "pipe-"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kJobName, MatchType::kEndsWith, "_LIGHTING"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kJobName, MatchType::kRegex, "sh0[0-9]+-al"), j, l));
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kJobName, MatchType::kRegex, "^sh"), j, l));
}

TEST(FilterRulesTest, InvalidRegexMatchesNothing) {
  EXPECT_FALSE(
      matcherMatches(m(MatchSubject::kShot, MatchType::kRegex, "sh(["), testJob(), testLayers()));
}

TEST(FilterRulesTest, SubjectsOfTheJob) {
  const Job j = testJob();
  const auto l = testLayers();
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kShow, MatchType::kIs, "pipe"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kUser, MatchType::kIs, "Alice"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kPriority, MatchType::kIs, "10"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kFacility, MatchType::kIs, "local"), j, l));
  Job nofac = j;
  nofac.facility.clear();
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kFacility, MatchType::kIsNot, "x"), nofac, l));
}

TEST(FilterRulesTest, LayerSubjectsMatchAnyLayer) {
  const Job j = testJob();
  const auto l = testLayers();
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kLayerName, MatchType::kIs, "cleanup"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kServiceName, MatchType::kIs, "prman"), j, l));
  // IS_NOT: true only when no layer has the service.
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kServiceName, MatchType::kIsNot, "shell"), j, l));
  EXPECT_TRUE(matcherMatches(m(MatchSubject::kServiceName, MatchType::kIsNot, "maya"), j, l));
  // Service and layer names compare exactly.
  EXPECT_FALSE(matcherMatches(m(MatchSubject::kLayerName, MatchType::kIs, "Beauty"), j, l));
}

TEST(FilterRulesTest, MatchAnyAndMatchAll) {
  const Job j = testJob();
  const auto l = testLayers();
  auto yes = m(MatchSubject::kShot, MatchType::kIs, "sh010");
  auto no = m(MatchSubject::kShot, MatchType::kIs, "sh020");
  EXPECT_TRUE(filterMatches(filter("a", FilterType::kMatchAny, {no, yes}, {}), j, l));
  EXPECT_FALSE(filterMatches(filter("b", FilterType::kMatchAll, {no, yes}, {}), j, l));
  EXPECT_TRUE(filterMatches(filter("c", FilterType::kMatchAll, {yes, yes}, {}), j, l));
  // No matchers: never matches, either type.
  EXPECT_FALSE(filterMatches(filter("d", FilterType::kMatchAny, {}, {}), j, l));
  EXPECT_FALSE(filterMatches(filter("e", FilterType::kMatchAll, {}, {}), j, l));
}

TEST(FilterRulesTest, ActionsChangeTheJobAndItsLayers) {
  auto pause = act(ActionType::kPauseJob, ActionValueType::kBoolean);
  pause.boolean_value = true;
  auto prio = act(ActionType::kSetJobPriority, ActionValueType::kInteger);
  prio.integer_value = 200;
  auto minc = act(ActionType::kSetJobMinCores, ActionValueType::kFloat);
  minc.float_value = 2.5f;
  auto maxc = act(ActionType::kSetJobMaxCores, ActionValueType::kInteger);  // whole cores
  maxc.integer_value = 8;
  auto tags = act(ActionType::kSetAllRenderLayerTags, ActionValueType::kString);
  tags.string_value = "gpu | fast";
  auto mem = act(ActionType::kSetAllUtilLayerMemory, ActionValueType::kInteger);
  mem.integer_value = 512000;
  auto f = filter("all", FilterType::kMatchAny,
                  {m(MatchSubject::kUser, MatchType::kIs, "alice")},
                  {pause, prio, minc, maxc, tags, mem});
  JobChanges c = runFilters({f}, testJob(), testLayers(), {});
  EXPECT_EQ(c.paused, true);
  EXPECT_EQ(c.priority, 200);
  EXPECT_EQ(c.min_cores, 250);
  EXPECT_EQ(c.max_cores, 800);
  ASSERT_EQ(c.layers.count("l1"), 1u);
  EXPECT_EQ(c.layers["l1"].tags, (std::vector<std::string>{"gpu", "fast"}));
  EXPECT_FALSE(c.layers["l1"].min_memory);
  EXPECT_EQ(c.layers["l2"].min_memory, 512000);
  EXPECT_FALSE(c.layers["l2"].tags);
  EXPECT_EQ(c.matched, (std::vector<std::string>{"all"}));
}

TEST(FilterRulesTest, DisabledAndUnmatchedFiltersChangeNothing) {
  auto prio = act(ActionType::kSetJobPriority, ActionValueType::kInteger);
  prio.integer_value = 5;
  auto off = filter("off", FilterType::kMatchAny, {m(MatchSubject::kShow, MatchType::kIs, "pipe")},
                    {prio});
  off.filter.enabled = false;
  auto miss = filter("miss", FilterType::kMatchAny,
                     {m(MatchSubject::kShow, MatchType::kIs, "other")}, {prio});
  JobChanges c = runFilters({off, miss}, testJob(), testLayers(), {});
  EXPECT_TRUE(c.empty());
  // Run by hand, a disabled filter runs.
  EXPECT_EQ(runFilters({off}, testJob(), testLayers(), {}, true).priority, 5);
}

TEST(FilterRulesTest, StopProcessingSkipsLaterFilters) {
  auto prio = act(ActionType::kSetJobPriority, ActionValueType::kInteger);
  prio.integer_value = 50;
  auto stop = act(ActionType::kStopProcessing, ActionValueType::kNone);
  auto pause = act(ActionType::kPauseJob, ActionValueType::kBoolean);
  pause.boolean_value = true;
  auto any = m(MatchSubject::kShow, MatchType::kContains, "pi");
  JobChanges c = runFilters({filter("first", FilterType::kMatchAny, {any}, {prio, stop}),
                             filter("second", FilterType::kMatchAny, {any}, {pause})},
                            testJob(), testLayers(), {});
  EXPECT_TRUE(c.stopped);
  EXPECT_EQ(c.priority, 50);
  EXPECT_FALSE(c.paused);
}

TEST(FilterRulesTest, LaterMatchersSeeEarlierChanges) {
  auto prio = act(ActionType::kSetJobPriority, ActionValueType::kInteger);
  prio.integer_value = 77;
  auto pause = act(ActionType::kPauseJob, ActionValueType::kBoolean);
  pause.boolean_value = true;
  JobChanges c = runFilters(
      {filter("set", FilterType::kMatchAny, {m(MatchSubject::kShot, MatchType::kIs, "sh010")},
              {prio}),
       filter("see", FilterType::kMatchAny, {m(MatchSubject::kPriority, MatchType::kIs, "77")},
              {pause})},
      testJob(), testLayers(), {});
  EXPECT_EQ(c.paused, true);
}

TEST(FilterRulesTest, MoveToGroupInheritsDefaultsNotSetByEarlierActions) {
  Group g;
  g.id = "g1";
  g.default_job_priority = 300;
  g.default_job_min_cores = 200;
  g.default_job_max_cores = -1;  // not set: keeps the job's
  auto prio = act(ActionType::kSetJobPriority, ActionValueType::kInteger);
  prio.integer_value = 9;
  auto move = act(ActionType::kMoveJobToGroup, ActionValueType::kGroup);
  move.group_value = "g1";
  auto any = m(MatchSubject::kShow, MatchType::kIs, "pipe");
  JobChanges c = runFilters({filter("f", FilterType::kMatchAny, {any}, {prio, move})}, testJob(),
                            testLayers(), {{"g1", g}});
  EXPECT_EQ(c.group_id, "g1");
  EXPECT_EQ(c.priority, 9);     // set by the filter first
  EXPECT_EQ(c.min_cores, 200);  // from the group
  EXPECT_FALSE(c.max_cores);

  move.group_value = "nope";
  JobChanges bad = runFilters({filter("f", FilterType::kMatchAny, {any}, {move})}, testJob(),
                              testLayers(), {{"g1", g}});
  EXPECT_FALSE(bad.group_id);
  EXPECT_EQ(bad.skipped.size(), 1u);
}

TEST(FilterRulesTest, ActionValuesByValueType) {
  auto a = act(ActionType::kSetJobMinCores, ActionValueType::kFloat);
  a.float_value = 1.5f;
  EXPECT_EQ(actionCores(a), 150);
  a.value_type = ActionValueType::kInteger;
  a.integer_value = 3;
  EXPECT_EQ(actionCores(a), 300);
  auto t = act(ActionType::kSetAllPreLayerTags, ActionValueType::kString);
  t.string_value = " a,b  c|d ";
  EXPECT_EQ(actionTags(t), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(expectedValueType(ActionType::kMoveJobToGroup), ActionValueType::kGroup);
  EXPECT_EQ(expectedValueType(ActionType::kSetAllUtilLayerMaxCores), ActionValueType::kFloat);
}

}  // namespace
}  // namespace cue::core

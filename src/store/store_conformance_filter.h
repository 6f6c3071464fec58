// The storage conformance suite, part four: filters (order, matchers, actions), the job
// and layer writes of filter actions, services, departments and tasks, render
// partitions. Same fixture and rules as store_conformance.h; included once from
// store_conformance.h's backends beside the other parts.
#pragma once

#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace cue::store::conformance {

inline std::vector<std::string> filterNamesInOrder(Store& store, const std::string& show_id) {
  std::vector<std::string> out;
  auto filters = must(store.getFilters(show_id), "getFilters");
  for (const auto& f : filters) out.push_back(f.name);
  return out;
}

TEST_P(StoreConformanceTest, FiltersReorderAndDelete) {
  core::Show s = show("testing");
  std::vector<std::string> ids;
  for (const char* name : {"a", "b", "c"}) {
    core::Filter f;
    f.show_id = s.id;
    f.name = name;
    f.order = static_cast<float>(ids.size() + 1);
    ids.push_back(must(store().createFilter(f), "createFilter").id);
  }
  must(store().setFilterOrder(ids[2], 0.9), "setFilterOrder");  // c before a
  EXPECT_EQ(filterNamesInOrder(store(), s.id), (std::vector<std::string>{"c", "a", "b"}));
  auto filters = must(store().getFilters(s.id), "getFilters");
  EXPECT_FLOAT_EQ(filters[0].order, 1);
  EXPECT_FLOAT_EQ(filters[2].order, 3) << "renumbered 1..n";

  core::Filter b = must(store().getFilter(ids[1]), "getFilter");
  b.name = "bee";
  b.type = core::FilterType::kMatchAll;
  b.enabled = false;
  must(store().updateFilter(b), "updateFilter");
  core::Filter back = must(store().findFilter(s.id, "bee"), "findFilter");
  EXPECT_EQ(back.type, core::FilterType::kMatchAll);
  EXPECT_FALSE(back.enabled);
  EXPECT_CODE(store().findFilter(s.id, "b"), kNotFound);
  b.name = "";
  EXPECT_CODE(store().updateFilter(b), kInvalidArgument);

  core::Matcher m;
  m.filter_id = ids[0];
  m.input = "x";
  core::Matcher m1 = must(store().addMatcher(m), "addMatcher");
  m.input = "y";
  must(store().addMatcher(m), "addMatcher");
  core::Action stop;
  stop.filter_id = ids[0];
  stop.type = core::ActionType::kStopProcessing;
  must(store().addAction(stop), "addAction");
  core::Action pause;
  pause.filter_id = ids[0];
  pause.type = core::ActionType::kPauseJob;
  pause.boolean_value = true;
  must(store().addAction(pause), "addAction");
  auto matchers = must(store().getMatchers(ids[0]), "getMatchers");
  ASSERT_EQ(matchers.size(), 2u);
  EXPECT_EQ(matchers[0].input, "x") << "creation order";
  auto actions = must(store().getActions(ids[0]), "getActions");
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[1].type, core::ActionType::kStopProcessing) << "stop processing last";

  m1.type = core::MatchType::kRegex;
  m1.input = "^z";
  must(store().updateMatcher(m1), "updateMatcher");
  EXPECT_EQ(must(store().getMatcher(m1.id), "getMatcher").input, "^z");
  must(store().deleteMatcher(m1.id), "deleteMatcher");
  EXPECT_CODE(store().getMatcher(m1.id), kNotFound);
  EXPECT_CODE(store().deleteMatcher(m1.id), kNotFound);

  core::Action a = actions[0];
  a.type = core::ActionType::kSetJobPriority;
  a.value_type = core::ActionValueType::kInteger;
  a.integer_value = 42;
  must(store().updateAction(a), "updateAction");
  EXPECT_EQ(must(store().getAction(a.id), "getAction").integer_value, 42);
  must(store().deleteAction(a.id), "deleteAction");
  EXPECT_CODE(store().getAction(a.id), kNotFound);

  must(store().deleteFilter(ids[0]), "deleteFilter");
  EXPECT_EQ(filterNamesInOrder(store(), s.id), (std::vector<std::string>{"c", "bee"}));
  EXPECT_TRUE(must(store().getMatchers(ids[0]), "getMatchers").empty());
  EXPECT_CODE(store().deleteFilter(ids[0]), kNotFound);
  EXPECT_CODE(store().setFilterOrder(ids[0], 1), kNotFound);
}

TEST_P(StoreConformanceTest, SetJobGroupAndLayerMaxCores) {
  core::Show s = show("testing");
  NewJob nj = testingJob("grp");
  std::string layer = addLayer(nj, "render", 1, 2);
  create(nj);
  core::Group g = must(store().createGroup(s.id, "", "lighting"), "createGroup");
  must(store().setJobGroup(nj.job.id, g.id), "setJobGroup");
  EXPECT_EQ(job(nj.job.id).group_id, g.id);
  core::Show other = must(store().createShow("othershow"), "createShow");
  core::Group og = must(store().getRootGroup(other.id), "getRootGroup");
  EXPECT_CODE(store().setJobGroup(nj.job.id, og.id), kInvalidArgument);
  EXPECT_CODE(store().setJobGroup(nj.job.id, common::newId()), kNotFound);
  EXPECT_CODE(store().setJobGroup(common::newId(), g.id), kNotFound);
  EXPECT_EQ(job(nj.job.id).group_id, g.id);

  must(store().setLayerMaxCores(layer, 400), "setLayerMaxCores");
  EXPECT_EQ(must(store().getLayer(layer), "getLayer").max_cores, 400);
  EXPECT_CODE(store().setLayerMaxCores(layer, -1), kInvalidArgument);
  EXPECT_CODE(store().setLayerMaxCores(common::newId(), 100), kNotFound);
}

TEST_P(StoreConformanceTest, ServicesCreateUpdateDelete) {
  core::Service sv;
  sv.name = "cuetestsvc";
  sv.min_cores = 200;
  sv.min_memory = 8 * kKbPerGb;
  sv.tags = {"gpu", "fast"};
  core::Service created = must(store().createService(sv), "createService");
  EXPECT_CODE(store().createService(sv), kAlreadyExists);
  sv.name = "";
  EXPECT_CODE(store().createService(sv), kInvalidArgument);
  core::Service back = must(store().findService("cuetestsvc"), "findService");
  EXPECT_EQ(back.id, created.id);
  EXPECT_EQ(back.tags, (std::vector<std::string>{"gpu", "fast"}));
  back.min_cores = 300;
  back.timeout_min = 60;
  must(store().updateService(back), "updateService");
  core::Service again = must(store().getService(created.id), "getService");
  EXPECT_EQ(again.min_cores, 300);
  EXPECT_EQ(again.timeout_min, 60);
  back.name = "shell";  // seeded: taken
  EXPECT_CODE(store().updateService(back), kAlreadyExists);
  back.min_cores = -5;
  back.name = "cuetestsvc";
  EXPECT_CODE(store().updateService(back), kInvalidArgument);
  must(store().deleteService(created.id), "deleteService");
  EXPECT_CODE(store().findService("cuetestsvc"), kNotFound);
  EXPECT_CODE(store().deleteService(created.id), kNotFound);
}

TEST_P(StoreConformanceTest, DepartmentsAndTasks) {
  core::Show s = show("testing");
  must(store().addDepartmentName("Compositing"), "addDepartmentName");
  EXPECT_CODE(store().addDepartmentName("Compositing"), kAlreadyExists);
  EXPECT_CODE(store().addDepartmentName(""), kInvalidArgument);
  core::ShowDepartment d = must(store().ensureShowDepartment(s.id, "Compositing"), "ensure");
  EXPECT_EQ(d.dept, "Compositing");
  EXPECT_EQ(d.show, "testing");
  EXPECT_EQ(must(store().ensureShowDepartment(s.id, "Compositing"), "ensure").id, d.id);
  EXPECT_CODE(store().ensureShowDepartment(s.id, "NoSuchDept"), kNotFound);
  EXPECT_CODE(store().removeDepartmentName("Compositing"), kFailedPrecondition);

  d.ti_managed = true;
  d.ti_task = "lighting";
  d.managed_cores = 1000;
  must(store().updateShowDepartment(d), "updateShowDepartment");
  core::ShowDepartment back = must(store().getShowDepartment(d.id), "getShowDepartment");
  EXPECT_TRUE(back.ti_managed);
  EXPECT_EQ(back.managed_cores, 1000);

  core::Task t;
  t.dept_id = d.id;
  t.shot = "sh010";
  t.min_cores = 500;
  core::Task created = must(store().createTask(t), "createTask");
  EXPECT_EQ(created.dept, "Compositing");
  EXPECT_CODE(store().createTask(t), kAlreadyExists);
  t.shot = "";
  EXPECT_CODE(store().createTask(t), kInvalidArgument);
  created.min_cores = 700;
  created.adjust_cores = 200;
  must(store().updateTask(created), "updateTask");
  auto tasks = must(store().getTasks(d.id), "getTasks");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].adjust_cores, 200);
  must(store().deleteTask(created.id), "deleteTask");
  EXPECT_CODE(store().getTask(created.id), kNotFound);
  t.shot = "sh020";
  must(store().createTask(t), "createTask");
  must(store().clearTasks(d.id), "clearTasks");
  EXPECT_TRUE(must(store().getTasks(d.id), "getTasks").empty());

  must(store().deleteShowDepartment(d.id), "deleteShowDepartment");
  EXPECT_CODE(store().getShowDepartment(d.id), kNotFound);
  EXPECT_CODE(store().getTasks(d.id), kNotFound);
  must(store().removeDepartmentName("Compositing"), "removeDepartmentName");
  EXPECT_CODE(store().removeDepartmentName("Compositing"), kNotFound);
}

TEST_P(StoreConformanceTest, RenderPartitionsRoundTrip) {
  NewJob nj = testingJob("rp");
  addLayer(nj, "render", 1, 1);
  create(nj);
  core::Host h = bootHost("rphost");
  core::RenderPartition p;
  p.host_id = h.id;
  p.job_id = nj.job.id;
  p.max_cores = 200;
  core::RenderPartition created = must(store().createRenderPartition(p), "createRenderPartition");
  created.max_memory = kKbPerGb;
  must(store().updateRenderPartition(created), "updateRenderPartition");
  auto back = must(store().getRenderPartition(created.id), "getRenderPartition");
  EXPECT_EQ(back.max_memory, kKbPerGb);
  EXPECT_EQ(back.max_cores, 200);
  EXPECT_EQ(must(store().getRenderPartitions(h.id), "getRenderPartitions").size(), 1u);
  p.job_id = common::newId();
  EXPECT_CODE(store().createRenderPartition(p), kNotFound);
  must(store().deleteRenderPartition(created.id), "deleteRenderPartition");
  EXPECT_CODE(store().getRenderPartition(created.id), kNotFound);
}

}  // namespace cue::store::conformance

#include "cuebot/app/departments.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace cue::cuebot::app {
namespace {

absl::Status checkTmap(const std::map<std::string, int32_t>& tmap) {
  for (const auto& [shot, cores] : tmap) {
    if (shot.empty()) return absl::InvalidArgumentError("a task needs a shot");
    if (cores < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("task for shot ", shot, ": cores must not be negative (got ", cores, ")"));
  }
  return absl::OkStatus();
}

absl::Status checkCores(core::CoreUnits cores) {
  if (cores < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("cores must not be negative (got ", cores / 100.0, ")"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<core::Task>> addTasks(store::Store& store, const std::string& dept_id,
                                                 const std::map<std::string, int32_t>& tmap) {
  RETURN_IF_ERROR(checkTmap(tmap));
  ASSIGN_OR_RETURN(auto existing, store.getTasks(dept_id));
  for (const auto& t : existing)
    if (tmap.count(t.shot))
      return absl::AlreadyExistsError(
          absl::StrCat("department ", t.dept, " has a task for shot ", t.shot));
  std::vector<core::Task> out;
  for (const auto& [shot, cores] : tmap) {
    core::Task t;
    t.dept_id = dept_id;
    t.shot = shot;
    t.min_cores = cores;
    ASSIGN_OR_RETURN(auto created, store.createTask(t));
    out.push_back(std::move(created));
  }
  return out;
}

absl::StatusOr<std::vector<core::Task>> replaceTasks(store::Store& store,
                                                     const std::string& dept_id,
                                                     const std::map<std::string, int32_t>& tmap) {
  RETURN_IF_ERROR(checkTmap(tmap));
  ASSIGN_OR_RETURN(auto existing, store.getTasks(dept_id));
  std::set<std::string> have;
  for (auto& t : existing) {
    have.insert(t.shot);
    auto it = tmap.find(t.shot);
    if (it == tmap.end()) continue;
    t.min_cores = it->second + t.adjust_cores;
    RETURN_IF_ERROR(store.updateTask(t));
  }
  for (const auto& [shot, cores] : tmap) {
    if (have.count(shot)) continue;
    core::Task t;
    t.dept_id = dept_id;
    t.shot = shot;
    t.min_cores = cores;
    RETURN_IF_ERROR(store.createTask(t).status());
  }
  return store.getTasks(dept_id);
}

absl::Status clearTaskAdjustments(store::Store& store, const std::string& dept_id) {
  ASSIGN_OR_RETURN(auto tasks, store.getTasks(dept_id));
  for (auto& t : tasks) {
    if (t.adjust_cores == 0) continue;
    t.min_cores = std::max(0, t.min_cores - t.adjust_cores);
    t.adjust_cores = 0;
    RETURN_IF_ERROR(store.updateTask(t));
  }
  return absl::OkStatus();
}

absl::Status clearAdjustment(store::Store& store, const std::string& task_id) {
  ASSIGN_OR_RETURN(auto t, store.getTask(task_id));
  t.min_cores = std::max(0, t.min_cores - t.adjust_cores);
  t.adjust_cores = 0;
  return store.updateTask(t);
}

absl::Status setTaskMinCores(store::Store& store, const std::string& task_id,
                             core::CoreUnits min_cores) {
  RETURN_IF_ERROR(checkCores(min_cores));
  ASSIGN_OR_RETURN(auto t, store.getTask(task_id));
  ASSIGN_OR_RETURN(auto d, store.getShowDepartment(t.dept_id));
  if (d.ti_managed) {
    const core::CoreUnits synced = t.min_cores - t.adjust_cores;
    t.adjust_cores = min_cores - synced;
  } else {
    t.adjust_cores = 0;
  }
  t.min_cores = min_cores;
  return store.updateTask(t);
}

absl::Status enableTiManaged(store::Store& store, const std::string& dept_id,
                             const std::string& ti_task, core::CoreUnits managed_cores) {
  if (ti_task.empty())
    return absl::InvalidArgumentError("a managed department needs a tracker task (ti_task)");
  RETURN_IF_ERROR(checkCores(managed_cores));
  ASSIGN_OR_RETURN(auto d, store.getShowDepartment(dept_id));
  d.ti_managed = true;
  d.ti_task = ti_task;
  d.managed_cores = managed_cores;
  return store.updateShowDepartment(d);
}

absl::Status disableTiManaged(store::Store& store, const std::string& dept_id) {
  ASSIGN_OR_RETURN(auto d, store.getShowDepartment(dept_id));
  d.ti_managed = false;
  d.ti_task.clear();
  d.managed_cores = 0;
  RETURN_IF_ERROR(store.updateShowDepartment(d));
  return store.clearTasks(dept_id);
}

absl::Status setManagedCores(store::Store& store, const std::string& dept_id,
                             core::CoreUnits managed_cores) {
  RETURN_IF_ERROR(checkCores(managed_cores));
  ASSIGN_OR_RETURN(auto d, store.getShowDepartment(dept_id));
  d.managed_cores = managed_cores;
  return store.updateShowDepartment(d);
}

}  // namespace cue::cuebot::app

// Operations on a show's departments and their tasks (OpenCue's DepartmentInterface and
// TaskInterface) that carry rules: task maps, managed ("TI") departments, adjustments.
// Cue has no production tracker: a managed department stores its tracker task and cores
// and keeps the tasks given to it; nothing syncs them. Tasks have no scheduling effect
// yet. Cores are core units throughout.
//
// Errors: NOT_FOUND for an unknown department or task; INVALID_ARGUMENT for an empty
// shot, negative cores or an empty tracker task; ALREADY_EXISTS when adding a task for a
// shot the department has (nothing is added then).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/types.h"
#include "store/store.h"

namespace cue::cuebot::app {

// Adds one task per shot (all checked first); returns the new tasks.
absl::StatusOr<std::vector<core::Task>> addTasks(store::Store& store, const std::string& dept_id,
                                                 const std::map<std::string, int32_t>& tmap);
// Sets the cores of the tasks for shots the department has (their adjustment kept) and
// adds the others; returns every task of the department.
absl::StatusOr<std::vector<core::Task>> replaceTasks(store::Store& store,
                                                     const std::string& dept_id,
                                                     const std::map<std::string, int32_t>& tmap);
// Drops the manual adjustments of every task of the department / of one task.
absl::Status clearTaskAdjustments(store::Store& store, const std::string& dept_id);
absl::Status clearAdjustment(store::Store& store, const std::string& task_id);
// A task's cores: on a managed department the difference from the synced value is kept
// as the adjustment (OpenCue); otherwise the value replaces it.
absl::Status setTaskMinCores(store::Store& store, const std::string& task_id,
                             core::CoreUnits min_cores);
absl::Status enableTiManaged(store::Store& store, const std::string& dept_id,
                             const std::string& ti_task, core::CoreUnits managed_cores);
// Stops managing and clears the tasks.
absl::Status disableTiManaged(store::Store& store, const std::string& dept_id);
absl::Status setManagedCores(store::Store& store, const std::string& dept_id,
                             core::CoreUnits managed_cores);

}  // namespace cue::cuebot::app

// The filter engine's rules, as pure functions over domain types: does a matcher match a
// job, does a filter match, and what do a show's filters change on a job. No I/O: the
// caller (cuebot/app/filters.h) loads the filters, the job, its layers and the show's
// groups, then writes the returned changes to the store.
//
// Steps of runFilters, as OpenCue's filter manager:
//   1. Filters run in the order given (the show's order); disabled filters are skipped
//      unless the caller asks for them (a filter run by hand runs even when disabled).
//   2. A filter matches when it has matchers and MATCH_ANY: one of them matches,
//      MATCH_ALL: all of them match. A filter without matchers never matches.
//   3. The actions of a matching filter apply in their order (STOP_PROCESSING last);
//      STOP_PROCESSING ends the run: later filters are skipped.
//   4. Later matchers see earlier changes (a PRIORITY matcher sees a priority set by an
//      earlier filter); the last value set wins.
//   5. MOVE_JOB_TO_GROUP also gives the job the group's default priority, min and max
//      cores (those set, i.e. not -1), except values an earlier action of the run set.
//
// Matching: JOB_NAME, SHOW, SHOT, USER and FACILITY compare case-insensitively (OpenCue
// lowercases the job's side; Cue lowercases the input too, except for REGEX, whose
// pattern is used as given against the lowercased subject). SERVICE_NAME and LAYER_NAME
// match when any of the job's layers' services / names match (for DOES_NOT_CONTAIN and
// IS_NOT: when none does), compared exactly. PRIORITY compares the decimal priority. An
// invalid REGEX matches nothing. An empty FACILITY matches nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"

namespace cue::core {

// One filter with its matchers and actions (actions in the order they apply).
struct FilterDefinition {
  Filter filter;
  std::vector<Matcher> matchers;
  std::vector<Action> actions;
};

// What the filters change on one layer; unset = unchanged.
struct LayerChanges {
  std::optional<std::vector<std::string>> tags;
  std::optional<MemoryKb> min_memory;
  std::optional<CoreUnits> min_cores;
  std::optional<CoreUnits> max_cores;
  std::optional<bool> memory_optimizer;  // Cue has no memory optimizer: recorded only
};

// What the filters change on a job; unset = unchanged.
struct JobChanges {
  std::optional<bool> paused;
  std::optional<int32_t> priority;
  std::optional<CoreUnits> min_cores;
  std::optional<CoreUnits> max_cores;
  std::optional<std::string> group_id;
  std::map<std::string, LayerChanges> layers;  // by layer id
  std::vector<std::string> matched;            // names of the filters that matched, in order
  std::vector<std::string> skipped;            // actions that could not apply, with why
  bool stopped = false;                        // a STOP_PROCESSING action ended the run

  bool empty() const {
    return !paused && !priority && !min_cores && !max_cores && !group_id && layers.empty();
  }
};

// The subject text(s) a matcher tests on the job (several for LAYER_NAME/SERVICE_NAME).
std::vector<std::string> matchInputs(MatchSubject subject, const Job& job,
                                     const std::vector<Layer>& layers);
// Whether one matcher matches the job.
bool matcherMatches(const Matcher& matcher, const Job& job, const std::vector<Layer>& layers);
// Whether a filter (by its type) matches the job; false without matchers.
bool filterMatches(const FilterDefinition& filter, const Job& job,
                   const std::vector<Layer>& layers);

// Runs the filters on the job (steps above). `groups` holds the show's groups by id (for
// MOVE_JOB_TO_GROUP); an action naming an unknown group is skipped and reported.
JobChanges runFilters(const std::vector<FilterDefinition>& filters, const Job& job,
                      const std::vector<Layer>& layers, const std::map<std::string, Group>& groups,
                      bool include_disabled = false);

// Action values read by their value_type, as pycue may send either kind: cores as float
// cores (an INTEGER value counts whole cores) in core units; an integer (priority, KB);
// tags from "a | b", "a b" or "a,b".
CoreUnits actionCores(const Action& action);
int64_t actionInteger(const Action& action);
std::vector<std::string> actionTags(const Action& action);

// The value type an action type takes (GROUP for MOVE_JOB_TO_GROUP, BOOLEAN for
// PAUSE_JOB, ...), for checking what a client sends.
ActionValueType expectedValueType(ActionType type);

}  // namespace cue::core

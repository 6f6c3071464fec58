#include "cuebot/app/filters.h"

#include <map>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status.h"
#include "cuebot/farm.h"

namespace cue::cuebot::app {
namespace {

using core::ActionType;
using core::ActionValueType;

// The show's filters with their matchers and actions, in order.
absl::StatusOr<core::FilterDefinition> loadFilter(store::Store& store, const core::Filter& f) {
  core::FilterDefinition d;
  d.filter = f;
  ASSIGN_OR_RETURN(d.matchers, store.getMatchers(f.id));
  ASSIGN_OR_RETURN(d.actions, store.getActions(f.id));
  return d;
}

absl::StatusOr<std::map<std::string, core::Group>> groupsOf(store::Store& store,
                                                           const std::string& show_id) {
  ASSIGN_OR_RETURN(auto groups, store.getGroups(show_id));
  std::map<std::string, core::Group> out;
  for (auto& g : groups) out.emplace(g.id, std::move(g));
  return out;
}

// Writes the changes; every write is tried, the first error is returned.
absl::Status apply(store::Store& store, const core::Job& job, const core::JobChanges& c) {
  absl::Status first;
  auto note = [&](absl::Status st, const char* what) {
    if (st.ok()) return;
    common::logger("cuebot")->warn("filters on job {}: cannot {}: {}", job.name, what,
                                   st.ToString());
    if (first.ok()) first = st;
  };
  if (c.group_id && *c.group_id != job.group_id)
    note(store.setJobGroup(job.id, *c.group_id), "move the job to its group");
  if (c.paused) note(store.setJobPaused(job.id, *c.paused), "pause the job");
  if (c.priority) note(store.setJobPriority(job.id, *c.priority), "set the priority");
  if (c.min_cores || c.max_cores) {
    // Set together when both change, so a raised floor and cap never cross on the way.
    note(store.setJobMinMaxCores(job.id, c.min_cores, c.max_cores), "set the job's cores");
  }
  for (const auto& [layer_id, lc] : c.layers) {
    if (lc.tags && !lc.tags->empty())
      note(store.setLayerTags(layer_id, *lc.tags), "set layer tags");
    if (lc.min_memory) note(store.setLayerMinMemory(layer_id, *lc.min_memory), "set layer memory");
    if (lc.min_cores) note(store.setLayerMinCores(layer_id, *lc.min_cores), "set layer min cores");
    if (lc.max_cores) note(store.setLayerMaxCores(layer_id, *lc.max_cores), "set layer max cores");
  }
  for (const auto& why : c.skipped)
    common::logger("cuebot")->warn("filters on job {}: skipped: {}", job.name, why);
  return first;
}

// Runs `filters` on one job and writes the result; refreshes the job when it changed.
absl::Status runOn(Farm& farm, const core::Job& job,
                   const std::vector<core::FilterDefinition>& filters, bool include_disabled) {
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto layers, store.getLayers(job.id));
  ASSIGN_OR_RETURN(auto groups, groupsOf(store, job.show_id));
  core::JobChanges changes = core::runFilters(filters, job, layers, groups, include_disabled);
  if (!changes.matched.empty())
    common::logger("cuebot")->info("job {}: filters matched: {}", job.name,
                                   absl::StrJoin(changes.matched, ", "));
  if (changes.empty()) return absl::OkStatus();
  absl::Status st = apply(store, job, changes);
  farm.jobChanged(job.id);
  return st;
}

bool validFilterType(core::FilterType t) {
  return t == core::FilterType::kMatchAny || t == core::FilterType::kMatchAll;
}

absl::Status checkMatcher(const core::Matcher& m) {
  const int subject = static_cast<int>(m.subject);
  const int type = static_cast<int>(m.type);
  if (subject < 0 || subject > static_cast<int>(core::MatchSubject::kLayerName))
    return absl::InvalidArgumentError(absl::StrCat("matcher subject ", subject, " is not known"));
  if (type < 0 || type > static_cast<int>(core::MatchType::kEndsWith))
    return absl::InvalidArgumentError(absl::StrCat("match type ", type, " is not known"));
  if (m.input.empty()) return absl::InvalidArgumentError("a matcher needs an input to compare");
  if (m.type == core::MatchType::kRegex) {
    try {
      std::regex re(m.input, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("matcher input \"", m.input, "\" is not a valid regular expression"));
    }
  }
  return absl::OkStatus();
}

absl::Status checkAction(store::Store& store, const std::string& show_id,
                         const core::Action& a) {
  const int type = static_cast<int>(a.type);
  const int vt = static_cast<int>(a.value_type);
  if (type < 0 || type > static_cast<int>(ActionType::kSetAllPreLayerMaxCores))
    return absl::InvalidArgumentError(absl::StrCat("action type ", type, " is not known"));
  if (vt < 0 || vt > static_cast<int>(ActionValueType::kNone))
    return absl::InvalidArgumentError(absl::StrCat("action value type ", vt, " is not known"));
  const ActionValueType want = core::expectedValueType(a.type);
  if (want == ActionValueType::kGroup) {
    if (a.group_value.empty())
      return absl::InvalidArgumentError("MOVE_JOB_TO_GROUP needs a group (group_value)");
    ASSIGN_OR_RETURN(auto groups, groupsOf(store, show_id));
    if (!groups.count(a.group_value))
      return absl::NotFoundError(absl::StrCat("group ", a.group_value, " was not found"));
  }
  if (want == ActionValueType::kFloat && core::actionCores(a) < 0)
    return absl::InvalidArgumentError("an action's cores must not be negative");
  if (want == ActionValueType::kInteger && a.type != ActionType::kSetJobPriority &&
      core::actionInteger(a) < 0)
    return absl::InvalidArgumentError("an action's memory must not be negative");
  if (want == ActionValueType::kString && core::actionTags(a).empty())
    return absl::InvalidArgumentError("a tags action needs at least one tag (string_value)");
  return absl::OkStatus();
}

}  // namespace

absl::Status runFilters(Farm& farm, const std::string& job_id) {
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto job, store.getJob(job_id));
  ASSIGN_OR_RETURN(auto filters, store.getFilters(job.show_id));
  std::vector<core::FilterDefinition> defs;
  for (const auto& f : filters) {
    if (!f.enabled) continue;
    ASSIGN_OR_RETURN(auto d, loadFilter(store, f));
    defs.push_back(std::move(d));
  }
  if (defs.empty()) return absl::OkStatus();
  return runOn(farm, job, defs, false);
}

absl::StatusOr<bool> hasEnabledFilters(Farm& farm, const std::string& show_id) {
  ASSIGN_OR_RETURN(auto filters, farm.store().getFilters(show_id));
  return std::any_of(filters.begin(), filters.end(), [](const auto& f) { return f.enabled; });
}

absl::Status runFilterOnJobs(Farm& farm, const std::string& filter_id,
                             const std::vector<std::string>& job_ids) {
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto f, store.getFilter(filter_id));
  std::vector<core::Job> jobs;
  for (const auto& id : job_ids) {
    ASSIGN_OR_RETURN(auto j, store.getJob(id));
    if (j.show_id != f.show_id)
      return absl::InvalidArgumentError(absl::StrCat("job ", j.name, " is not of filter ", f.name,
                                                     "'s show"));
    jobs.push_back(std::move(j));
  }
  ASSIGN_OR_RETURN(auto def, loadFilter(store, f));
  absl::Status first;
  for (const auto& j : jobs) {
    auto st = runOn(farm, j, {def}, true);
    if (!st.ok() && first.ok()) first = st;
  }
  return first;
}

absl::Status runFilterOnGroup(Farm& farm, const std::string& filter_id,
                              const std::string& group_id) {
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto f, store.getFilter(filter_id));
  ASSIGN_OR_RETURN(auto groups, groupsOf(store, f.show_id));
  if (!groups.count(group_id)) {
    return absl::NotFoundError(absl::StrCat("group ", group_id, " was not found"));
  }
  ASSIGN_OR_RETURN(auto show, store.getShow(f.show_id));
  core::JobSearch search;
  search.shows = {show.name};
  ASSIGN_OR_RETURN(auto jobs, store.getJobs(search));
  ASSIGN_OR_RETURN(auto def, loadFilter(store, f));
  absl::Status first;
  for (const auto& j : jobs) {
    if (j.group_id != group_id) continue;
    auto st = runOn(farm, j, {def}, true);
    if (!st.ok() && first.ok()) first = st;
  }
  return first;
}

absl::StatusOr<core::Filter> createFilter(Farm& farm, const std::string& show_id,
                                          const std::string& name, core::FilterType type) {
  if (name.empty()) return absl::InvalidArgumentError("a filter needs a name");
  if (!validFilterType(type))
    return absl::InvalidArgumentError(
        absl::StrCat("filter type ", static_cast<int>(type), " is not known"));
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto filters, store.getFilters(show_id));
  float last = 0;
  for (const auto& f : filters) {
    if (f.name == name)
      return absl::AlreadyExistsError(absl::StrCat("filter ", name, " already exists"));
    last = std::max(last, f.order);
  }
  core::Filter f;
  f.show_id = show_id;
  f.name = name;
  f.type = type;
  f.order = last + 1;
  f.enabled = true;
  return store.createFilter(f);
}

absl::Status setFilterName(Farm& farm, const std::string& filter_id, const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("a filter needs a name");
  store::Store& store = farm.store();
  ASSIGN_OR_RETURN(auto f, store.getFilter(filter_id));
  ASSIGN_OR_RETURN(auto filters, store.getFilters(f.show_id));
  for (const auto& other : filters)
    if (other.name == name && other.id != f.id)
      return absl::AlreadyExistsError(absl::StrCat("filter ", name, " already exists"));
  f.name = name;
  return store.updateFilter(f);
}

absl::Status setFilterEnabled(Farm& farm, const std::string& filter_id, bool enabled) {
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(filter_id));
  f.enabled = enabled;
  return farm.store().updateFilter(f);
}

absl::Status setFilterType(Farm& farm, const std::string& filter_id, core::FilterType type) {
  if (!validFilterType(type))
    return absl::InvalidArgumentError(
        absl::StrCat("filter type ", static_cast<int>(type), " is not known"));
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(filter_id));
  f.type = type;
  return farm.store().updateFilter(f);
}

absl::Status moveFilter(Farm& farm, const std::string& filter_id, FilterMove move) {
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(filter_id));
  // Positions are 1..n; a value just past a neighbour, then renumbering, moves the filter
  // one place (OpenCue's +-1.1), and 0 / a large value put it first / last.
  double order = f.order;
  switch (move) {
    case FilterMove::kRaise: order -= 1.1; break;
    case FilterMove::kLower: order += 1.1; break;
    case FilterMove::kFirst: order = -0.1; break;
    case FilterMove::kLast: order = 1e9; break;
  }
  return farm.store().setFilterOrder(filter_id, order);
}

absl::Status setFilterOrder(Farm& farm, const std::string& filter_id, int32_t order) {
  // Just before the filter now at `order`, as OpenCue (order - 0.1, then renumbered).
  return farm.store().setFilterOrder(filter_id, static_cast<double>(order) - 0.1);
}

absl::StatusOr<core::Matcher> createMatcher(Farm& farm, const std::string& filter_id,
                                            core::Matcher matcher) {
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(filter_id));
  RETURN_IF_ERROR(checkMatcher(matcher));
  matcher.id.clear();
  matcher.filter_id = f.id;
  return farm.store().addMatcher(matcher);
}

absl::Status updateMatcher(Farm& farm, const core::Matcher& matcher) {
  ASSIGN_OR_RETURN(auto cur, farm.store().getMatcher(matcher.id));
  RETURN_IF_ERROR(checkMatcher(matcher));
  core::Matcher m = matcher;
  m.filter_id = cur.filter_id;
  return farm.store().updateMatcher(m);
}

absl::StatusOr<core::Action> createAction(Farm& farm, const std::string& filter_id,
                                          core::Action action) {
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(filter_id));
  RETURN_IF_ERROR(checkAction(farm.store(), f.show_id, action));
  action.id.clear();
  action.filter_id = f.id;
  return farm.store().addAction(action);
}

absl::Status updateAction(Farm& farm, const core::Action& action) {
  ASSIGN_OR_RETURN(auto cur, farm.store().getAction(action.id));
  ASSIGN_OR_RETURN(auto f, farm.store().getFilter(cur.filter_id));
  RETURN_IF_ERROR(checkAction(farm.store(), f.show_id, action));
  core::Action a = action;
  a.filter_id = cur.filter_id;
  return farm.store().updateAction(a);
}

}  // namespace cue::cuebot::app

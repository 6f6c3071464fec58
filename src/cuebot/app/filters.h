// The filter engine's caller and the operations on filters, matchers and actions that
// carry rules (ordering, value checks). The matching and the actions' effects are
// core/filter_rules.h; these functions load what the rules need from the store, write
// what they decide, and tell the farm model.
//
// Errors: NOT_FOUND for an unknown job, filter, matcher, action or group (OpenCue's
// "<what> <id> was not found"); INVALID_ARGUMENT for bad input.
// Thread-safety: as Farm, any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/filter_rules.h"
#include "core/types.h"

namespace cue::cuebot {
class Farm;
}

namespace cue::cuebot::app {

// Runs the job's show's enabled filters, in order, on the job (OpenCue does this on every
// new job at launch), writes the changes and refreshes the job in the model. An action
// that cannot apply (a deleted group, a bad value) is logged and skipped: filters never
// make a launch fail. NOT_FOUND for an unknown job.
absl::Status runFilters(Farm& farm, const std::string& job_id);
// Whether the show has an enabled filter (runFilters would change nothing otherwise).
absl::StatusOr<bool> hasEnabledFilters(Farm& farm, const std::string& show_id);
// Runs one filter (enabled or not) on each job; NOT_FOUND for an unknown filter or job
// (checked before anything changes). Jobs of another show than the filter's are
// INVALID_ARGUMENT.
absl::Status runFilterOnJobs(Farm& farm, const std::string& filter_id,
                             const std::vector<std::string>& job_ids);
// Runs one filter on the unfinished jobs of a group (of the filter's show).
absl::Status runFilterOnGroup(Farm& farm, const std::string& filter_id,
                              const std::string& group_id);

// Creates a filter at the end of the show's order (enabled). INVALID_ARGUMENT for an
// empty name; ALREADY_EXISTS when the show has a filter of that name; NOT_FOUND for an
// unknown show.
absl::StatusOr<core::Filter> createFilter(Farm& farm, const std::string& show_id,
                                          const std::string& name, core::FilterType type);
// Renames (INVALID_ARGUMENT for an empty name, ALREADY_EXISTS for a name another filter
// of the show has), enables, or sets the type of a filter.
absl::Status setFilterName(Farm& farm, const std::string& filter_id, const std::string& name);
absl::Status setFilterEnabled(Farm& farm, const std::string& filter_id, bool enabled);
absl::Status setFilterType(Farm& farm, const std::string& filter_id, core::FilterType type);

// Moves within the show's order (positions renumbered 1..n afterwards, as OpenCue):
enum class FilterMove { kRaise, kLower, kFirst, kLast };
absl::Status moveFilter(Farm& farm, const std::string& filter_id, FilterMove move);
// Puts the filter at position `order` (1 = first; beyond the end = last).
absl::Status setFilterOrder(Farm& farm, const std::string& filter_id, int32_t order);

// Matchers and actions. NOT_FOUND for an unknown filter, matcher or action, and for a
// MOVE_JOB_TO_GROUP naming no group of the filter's show; INVALID_ARGUMENT for an enum
// value outside OpenCue's, an empty matcher input or an invalid REGEX, negative cores or
// memory, a tags action without tags. Values are read by value_type (pycue sends whole
// cores as INTEGER_TYPE), see core::actionCores.
absl::StatusOr<core::Matcher> createMatcher(Farm& farm, const std::string& filter_id,
                                            core::Matcher matcher);
absl::Status updateMatcher(Farm& farm, const core::Matcher& matcher);
absl::StatusOr<core::Action> createAction(Farm& farm, const std::string& filter_id,
                                          core::Action action);
absl::Status updateAction(Farm& farm, const core::Action& action);

}  // namespace cue::cuebot::app

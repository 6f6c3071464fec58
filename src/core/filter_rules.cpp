#include "core/filter_rules.h"

#include <cmath>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cue::core {
namespace {

bool lowercased(MatchSubject s) {
  return s == MatchSubject::kJobName || s == MatchSubject::kShow || s == MatchSubject::kShot ||
         s == MatchSubject::kUser || s == MatchSubject::kFacility;
}

bool test(MatchType type, const std::string& subject, const std::string& input) {
  switch (type) {
    case MatchType::kContains:
    case MatchType::kDoesNotContain:
      return absl::StrContains(subject, input);
    case MatchType::kIs:
    case MatchType::kIsNot:
      return subject == input;
    case MatchType::kBeginsWith:
      return absl::StartsWith(subject, input);
    case MatchType::kEndsWith:
      return absl::EndsWith(subject, input);
    case MatchType::kRegex:
      return false;  // handled by the caller
  }
  return false;
}

bool negated(MatchType type) {
  return type == MatchType::kDoesNotContain || type == MatchType::kIsNot;
}

std::vector<Layer> layersOfType(const std::vector<Layer>& layers, LayerType type) {
  std::vector<Layer> out;
  for (const auto& l : layers)
    if (l.type == type) out.push_back(l);
  return out;
}

// Which layers a layer action concerns, and what it sets on them.
enum class LayerField { kTags, kMemory, kMinCores, kMaxCores };
struct LayerAction {
  LayerType type;
  LayerField field;
};
std::optional<LayerAction> layerAction(ActionType t) {
  switch (t) {
    case ActionType::kSetAllRenderLayerTags: return LayerAction{LayerType::kRender, LayerField::kTags};
    case ActionType::kSetAllRenderLayerMemory: return LayerAction{LayerType::kRender, LayerField::kMemory};
    case ActionType::kSetAllRenderLayerCores:  // deprecated: sets min cores
    case ActionType::kSetAllRenderLayerMinCores: return LayerAction{LayerType::kRender, LayerField::kMinCores};
    case ActionType::kSetAllRenderLayerMaxCores: return LayerAction{LayerType::kRender, LayerField::kMaxCores};
    case ActionType::kSetAllUtilLayerTags: return LayerAction{LayerType::kUtil, LayerField::kTags};
    case ActionType::kSetAllUtilLayerMemory: return LayerAction{LayerType::kUtil, LayerField::kMemory};
    case ActionType::kSetAllUtilLayerMinCores: return LayerAction{LayerType::kUtil, LayerField::kMinCores};
    case ActionType::kSetAllUtilLayerMaxCores: return LayerAction{LayerType::kUtil, LayerField::kMaxCores};
    case ActionType::kSetAllPreLayerTags: return LayerAction{LayerType::kPre, LayerField::kTags};
    case ActionType::kSetAllPreLayerMemory: return LayerAction{LayerType::kPre, LayerField::kMemory};
    case ActionType::kSetAllPreLayerMinCores: return LayerAction{LayerType::kPre, LayerField::kMinCores};
    case ActionType::kSetAllPreLayerMaxCores: return LayerAction{LayerType::kPre, LayerField::kMaxCores};
    default: return std::nullopt;
  }
}

}  // namespace

std::vector<std::string> matchInputs(MatchSubject subject, const Job& job,
                                     const std::vector<Layer>& layers) {
  switch (subject) {
    case MatchSubject::kJobName: return {absl::AsciiStrToLower(job.name)};
    case MatchSubject::kShow: return {absl::AsciiStrToLower(job.show)};
    case MatchSubject::kShot: return {absl::AsciiStrToLower(job.shot)};
    case MatchSubject::kUser: return {absl::AsciiStrToLower(job.user)};
    case MatchSubject::kPriority: return {absl::StrCat(job.priority)};
    case MatchSubject::kFacility:
      if (job.facility.empty()) return {};
      return {absl::AsciiStrToLower(job.facility)};
    case MatchSubject::kLayerName: {
      std::vector<std::string> out;
      for (const auto& l : layers) out.push_back(l.name);
      return out;
    }
    case MatchSubject::kServiceName: {
      std::vector<std::string> out;
      for (const auto& l : layers) out.insert(out.end(), l.services.begin(), l.services.end());
      return out;
    }
  }
  return {};
}

bool matcherMatches(const Matcher& matcher, const Job& job, const std::vector<Layer>& layers) {
  if (matcher.subject == MatchSubject::kFacility && job.facility.empty()) return false;
  const std::vector<std::string> inputs = matchInputs(matcher.subject, job, layers);
  if (matcher.type == MatchType::kRegex) {
    std::regex re;
    try {
      re = std::regex(matcher.input, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return false;
    }
    for (const auto& s : inputs)
      if (std::regex_search(s, re)) return true;
    return false;
  }
  const std::string input =
      lowercased(matcher.subject) ? absl::AsciiStrToLower(matcher.input) : matcher.input;
  bool any = false;
  for (const auto& s : inputs) {
    if (test(matcher.type, s, input)) {
      any = true;
      break;
    }
  }
  return negated(matcher.type) ? !any : any;
}

bool filterMatches(const FilterDefinition& filter, const Job& job,
                   const std::vector<Layer>& layers) {
  if (filter.matchers.empty()) return false;
  const bool all = filter.filter.type == FilterType::kMatchAll;
  for (const auto& m : filter.matchers) {
    const bool hit = matcherMatches(m, job, layers);
    if (all && !hit) return false;
    if (!all && hit) return true;
  }
  return all;
}

CoreUnits actionCores(const Action& a) {
  double cores = a.float_value;
  if (a.value_type == ActionValueType::kInteger) cores = static_cast<double>(a.integer_value);
  return static_cast<CoreUnits>(std::lround(cores * kCoreUnitsPerCore));
}

int64_t actionInteger(const Action& a) {
  if (a.value_type == ActionValueType::kFloat) return std::llround(a.float_value);
  return a.integer_value;
}

std::vector<std::string> actionTags(const Action& a) {
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(a.string_value, absl::ByAnyChar("| ,\t"),
                                            absl::SkipEmpty()))
    out.emplace_back(t);
  return out;
}

ActionValueType expectedValueType(ActionType type) {
  switch (type) {
    case ActionType::kMoveJobToGroup: return ActionValueType::kGroup;
    case ActionType::kPauseJob:
    case ActionType::kSetMemoryOptimizer: return ActionValueType::kBoolean;
    case ActionType::kStopProcessing: return ActionValueType::kNone;
    case ActionType::kSetJobPriority:
    case ActionType::kSetAllRenderLayerMemory:
    case ActionType::kSetAllUtilLayerMemory:
    case ActionType::kSetAllPreLayerMemory: return ActionValueType::kInteger;
    case ActionType::kSetAllRenderLayerTags:
    case ActionType::kSetAllUtilLayerTags:
    case ActionType::kSetAllPreLayerTags: return ActionValueType::kString;
    default: return ActionValueType::kFloat;
  }
}

JobChanges runFilters(const std::vector<FilterDefinition>& filters, const Job& job_in,
                      const std::vector<Layer>& layers, const std::map<std::string, Group>& groups,
                      bool include_disabled) {
  JobChanges out;
  Job job = job_in;  // later matchers see earlier changes
  bool set_priority = false, set_min = false, set_max = false;
  for (const auto& f : filters) {
    if (!f.filter.enabled && !include_disabled) continue;
    if (!filterMatches(f, job, layers)) continue;
    out.matched.push_back(f.filter.name);
    for (const auto& a : f.actions) {
      switch (a.type) {
        case ActionType::kPauseJob:
          out.paused = a.boolean_value;
          job.paused = a.boolean_value;
          break;
        case ActionType::kSetJobPriority:
          set_priority = true;
          job.priority = static_cast<int32_t>(actionInteger(a));
          out.priority = job.priority;
          break;
        case ActionType::kSetJobMinCores:
          set_min = true;
          job.min_cores = actionCores(a);
          out.min_cores = job.min_cores;
          break;
        case ActionType::kSetJobMaxCores:
          set_max = true;
          job.max_cores = actionCores(a);
          out.max_cores = job.max_cores;
          break;
        case ActionType::kMoveJobToGroup: {
          auto g = groups.find(a.group_value);
          if (g == groups.end()) {
            out.skipped.push_back(absl::StrCat("filter ", f.filter.name, ": group ",
                                               a.group_value, " is not a group of show ",
                                               job.show));
            break;
          }
          out.group_id = g->first;
          job.group_id = g->first;
          if (!set_priority && g->second.default_job_priority != -1) {
            job.priority = g->second.default_job_priority;
            out.priority = job.priority;
          }
          if (!set_max && g->second.default_job_max_cores != -1) {
            job.max_cores = g->second.default_job_max_cores;
            out.max_cores = job.max_cores;
          }
          if (!set_min && g->second.default_job_min_cores != -1) {
            job.min_cores = g->second.default_job_min_cores;
            out.min_cores = job.min_cores;
          }
          break;
        }
        case ActionType::kSetMemoryOptimizer:
          for (const auto& l : layers) out.layers[l.id].memory_optimizer = a.boolean_value;
          break;
        case ActionType::kStopProcessing:
          out.stopped = true;
          break;
        default: {
          auto la = layerAction(a.type);
          if (!la) break;
          for (const auto& l : layersOfType(layers, la->type)) {
            LayerChanges& c = out.layers[l.id];
            switch (la->field) {
              case LayerField::kTags: c.tags = actionTags(a); break;
              case LayerField::kMemory: c.min_memory = actionInteger(a); break;
              case LayerField::kMinCores: c.min_cores = actionCores(a); break;
              case LayerField::kMaxCores: c.max_cores = actionCores(a); break;
            }
          }
          break;
        }
      }
      if (out.stopped) return out;
    }
  }
  return out;
}

}  // namespace cue::core

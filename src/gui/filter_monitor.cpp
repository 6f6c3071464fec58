// The filters editor's monitor and OpenCue's names for the filter enums (filter_monitor.h).
#include "gui/filter_monitor.h"

#include <algorithm>
#include <utility>

namespace cue::gui {

QStringList matchSubjectNames() {
  return {"JOB_NAME", "SHOW", "SHOT", "USER", "SERVICE_NAME", "PRIORITY", "FACILITY", "LAYER_NAME"};
}

QStringList matchTypeNames() {
  return {"CONTAINS", "DOES_NOT_CONTAIN", "IS", "IS_NOT", "REGEX", "BEGINS_WITH", "ENDS_WITH"};
}

QStringList actionTypeNames() {
  return {"MOVE_JOB_TO_GROUP",           "PAUSE_JOB",
          "SET_JOB_MIN_CORES",           "SET_JOB_MAX_CORES",
          "STOP_PROCESSING",             "SET_JOB_PRIORITY",
          "SET_ALL_RENDER_LAYER_TAGS",   "SET_ALL_RENDER_LAYER_MEMORY",
          "SET_ALL_RENDER_LAYER_CORES",  "SET_MEMORY_OPTIMIZER",
          "SET_ALL_RENDER_LAYER_MIN_CORES", "SET_ALL_RENDER_LAYER_MAX_CORES",
          "SET_ALL_UTIL_LAYER_TAGS",     "SET_ALL_UTIL_LAYER_MEMORY",
          "SET_ALL_UTIL_LAYER_MIN_CORES", "SET_ALL_UTIL_LAYER_MAX_CORES",
          "SET_ALL_PRE_LAYER_TAGS",      "SET_ALL_PRE_LAYER_MEMORY",
          "SET_ALL_PRE_LAYER_MIN_CORES", "SET_ALL_PRE_LAYER_MAX_CORES"};
}

QStringList filterTypeNames() { return {"MATCH_ANY", "MATCH_ALL"}; }

core::ActionValueType actionValueType(core::ActionType type) {
  using T = core::ActionType;
  using V = core::ActionValueType;
  switch (type) {
    case T::kMoveJobToGroup:
      return V::kGroup;
    case T::kPauseJob:
    case T::kSetMemoryOptimizer:
      return V::kBoolean;
    case T::kStopProcessing:
      return V::kNone;
    case T::kSetJobPriority:
    case T::kSetAllRenderLayerMemory:
    case T::kSetAllUtilLayerMemory:
    case T::kSetAllPreLayerMemory:
      return V::kInteger;
    case T::kSetAllRenderLayerTags:
    case T::kSetAllUtilLayerTags:
    case T::kSetAllPreLayerTags:
      return V::kString;
    default:
      return V::kFloat;  // cores
  }
}

QString actionValueText(const core::Action& a) {
  switch (a.value_type) {
    case core::ActionValueType::kGroup:
      return QString::fromStdString(a.group_value);
    case core::ActionValueType::kString:
      return QString::fromStdString(a.string_value);
    case core::ActionValueType::kInteger:
      return QString::number(a.integer_value);
    case core::ActionValueType::kFloat:
      return QString::number(a.float_value);
    case core::ActionValueType::kBoolean:
      return a.boolean_value ? QStringLiteral("true") : QStringLiteral("false");
    case core::ActionValueType::kNone:
      break;
  }
  return {};
}

namespace {

struct Read {
  absl::Status status;
  std::vector<core::Filter> filters;
  std::vector<core::Matcher> matchers;
  std::vector<core::Action> actions;
};

}  // namespace

FilterMonitor::FilterMonitor(client::Client client, std::string show_id, int refresh_ms,
                             QObject* parent)
    : PollingMonitor(std::move(client), refresh_ms, parent), show_id_(std::move(show_id)) {}

void FilterMonitor::select(const std::string& filter_id) {
  if (filter_id == selected_) return;
  selected_ = filter_id;
  refresh();
}

void FilterMonitor::fetch() {
  run<Read>(
      [show = show_id_, selected = selected_](client::Client& c) {
        Read r;
        auto filters = c.getFilters(show);
        if (!filters.ok()) {
          r.status = filters.status();
          return r;
        }
        r.filters = std::move(*filters);
        std::sort(r.filters.begin(), r.filters.end(),
                  [](const core::Filter& a, const core::Filter& b) { return a.order < b.order; });
        const bool still = std::any_of(r.filters.begin(), r.filters.end(),
                                       [&](const core::Filter& f) { return f.id == selected; });
        if (selected.empty() || !still) return r;
        auto matchers = c.getMatchers(selected);
        auto actions = c.getActions(selected);
        if (!matchers.ok() || !actions.ok()) {
          r.status = !matchers.ok() ? matchers.status() : actions.status();
          return r;
        }
        r.matchers = std::move(*matchers);
        r.actions = std::move(*actions);
        return r;
      },
      [this](Read r) {
        if (r.status.ok()) {
          filters_ = std::move(r.filters);
          matchers_ = std::move(r.matchers);
          actions_ = std::move(r.actions);
        }
        refreshDone(r.status);
      });
}

void FilterMonitor::createFilter(const QString& name) {
  runOnce(QStringLiteral("Created filter %1").arg(name),
          [show = show_id_, n = name.toStdString()](client::Client& c) {
            return c.createFilter(show, n).status();
          });
}

void FilterMonitor::deleteFilter(const std::string& id) {
  runOnce(QStringLiteral("Deleted a filter"),
          [id](client::Client& c) { return c.deleteFilter(id); });
}

void FilterMonitor::setEnabled(const std::string& id, bool enabled) {
  runOnce(enabled ? QStringLiteral("Enabled a filter") : QStringLiteral("Disabled a filter"),
          [id, enabled](client::Client& c) { return c.setFilterEnabled(id, enabled); });
}

void FilterMonitor::setType(const std::string& id, core::FilterType type) {
  runOnce(QStringLiteral("Filter type %1").arg(filterTypeNames().value(static_cast<int>(type))),
          [id, type](client::Client& c) { return c.setFilterType(id, type); });
}

void FilterMonitor::addMatcher(const core::Matcher& matcher) {
  if (selected_.empty()) return;
  runOnce(QStringLiteral("Added a matcher"), [id = selected_, matcher](client::Client& c) {
    return c.createMatcher(id, matcher).status();
  });
}

void FilterMonitor::deleteMatcher(const std::string& id) {
  runOnce(QStringLiteral("Deleted a matcher"),
          [id](client::Client& c) { return c.deleteMatcher(id); });
}

void FilterMonitor::addAction(const core::Action& action) {
  if (selected_.empty()) return;
  runOnce(QStringLiteral("Added an action"), [id = selected_, action](client::Client& c) {
    return c.createAction(id, action).status();
  });
}

void FilterMonitor::deleteAction(const std::string& id) {
  runOnce(QStringLiteral("Deleted an action"),
          [id](client::Client& c) { return c.deleteAction(id); });
}

}  // namespace cue::gui

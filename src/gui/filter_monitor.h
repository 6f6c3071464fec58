// The filters editor without its widgets: one show's filters (OpenCue's job filters: rules
// applied to each job at launch) and, for the filter selected, its matchers and actions,
// refreshed off the UI thread, and the edits (create, delete, enable, type; add and remove
// matchers and actions) through the client library. Names of the enums as OpenCue writes
// them ("JOB_NAME", "CONTAINS", "SET_JOB_PRIORITY") and the kind of value each action takes.
#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "core/types.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

QStringList matchSubjectNames();   // indexed by core::MatchSubject
QStringList matchTypeNames();      // indexed by core::MatchType
QStringList actionTypeNames();     // indexed by core::ActionType
QStringList filterTypeNames();     // MATCH_ANY, MATCH_ALL
// The value an action of `type` takes (OpenCue's: PAUSE_JOB a boolean, SET_JOB_PRIORITY an
// integer, SET_JOB_MIN_CORES a float, tags a string, MOVE_JOB_TO_GROUP a group,
// STOP_PROCESSING none).
core::ActionValueType actionValueType(core::ActionType type);
// An action's value as text ("true", "250", "2.5", "gpu | fast"); empty for none.
QString actionValueText(const core::Action& action);

class FilterMonitor : public PollingMonitor {
  Q_OBJECT

 public:
  FilterMonitor(client::Client client, std::string show_id, int refresh_ms = 30000,
                QObject* parent = nullptr);

  const std::vector<core::Filter>& filters() const { return filters_; }
  const std::vector<core::Matcher>& matchers() const { return matchers_; }
  const std::vector<core::Action>& actions() const { return actions_; }

  // The filter whose matchers and actions are read (empty: none); refreshes.
  void select(const std::string& filter_id);
  const std::string& selected() const { return selected_; }

  void createFilter(const QString& name);
  void deleteFilter(const std::string& id);
  void setEnabled(const std::string& id, bool enabled);
  void setType(const std::string& id, core::FilterType type);
  // On the selected filter.
  void addMatcher(const core::Matcher& matcher);
  void deleteMatcher(const std::string& id);
  void addAction(const core::Action& action);
  void deleteAction(const std::string& id);

 protected:
  void fetch() override;

 private:
  std::string show_id_;
  std::string selected_;
  std::vector<core::Filter> filters_;
  std::vector<core::Matcher> matchers_;
  std::vector<core::Action> actions_;
};

}  // namespace cue::gui

// CueCommander's filters editor for one show (OpenCue CueCommander's "Filters"): the show's
// filters in order (name, MATCH_ANY or MATCH_ALL, enabled) and, for the selected one, its
// matchers (subject, comparison, text) and actions (what it does to a matching job, and the
// value). Buttons add and delete filters, matchers and actions, enable or disable a filter
// and switch its type; deleting asks first. Every question goes through dialogs.h's hooks
// (tests answer them). Not modal; owns its FilterMonitor. Object names for tests: "filters",
// "matchers", "actions", "addFilter", "deleteFilter", "toggleEnabled", "filterType",
// "addMatcher", "deleteMatcher", "addAction", "deleteAction", "status".
#pragma once

#include <QDialog>
#include <memory>
#include <string>

#include "gui/dialogs.h"

class QLabel;
class QTableWidget;

namespace cue::gui {

class FilterMonitor;

class FiltersDialog : public QDialog {
  Q_OBJECT

 public:
  FiltersDialog(std::unique_ptr<FilterMonitor> monitor, const QString& show_name,
                QWidget* parent = nullptr);
  ~FiltersDialog() override;

  FilterMonitor* monitor() { return monitor_.get(); }
  void setConfirm(Confirm f) { confirm_ = std::move(f); }
  void setChoose(Choose f) { choose_ = std::move(f); }
  void setAskText(AskText f) { ask_text_ = std::move(f); }
  void setAskNumber(AskNumber f) { ask_number_ = std::move(f); }

  // Selects the filter named `name` (its matchers and actions are read); false if not shown.
  bool selectFilter(const QString& name);

 private:
  void fill();
  std::string selectedFilterId() const;
  std::string selectedRowId(QTableWidget* table) const;
  void addFilter();
  void deleteFilter();
  void addMatcher();
  void addAction();

  std::unique_ptr<FilterMonitor> monitor_;
  QTableWidget* filters_;
  QTableWidget* matchers_;
  QTableWidget* actions_;
  QLabel* status_;
  Confirm confirm_;
  Choose choose_;
  AskText ask_text_;
  AskNumber ask_number_;
  bool filling_ = false;
};

}  // namespace cue::gui

// CueCommander's "Monitor Cue" tab (OpenCue's Monitor Cue): the tree of shows, their groups
// and jobs (CueMonitor's CueTreeModel, sortable by any column), expansion and selection kept
// across refreshes. The context menu acts on the selection: on jobs pause, resume, kill
// (confirmed), priority, min and max cores; on groups and shows min and max cores and the
// default priority of the jobs entering them. Object names for tests: "cueTree"; actions
// "pauseJobs", "resumeJobs", "killJobs", "jobPriority", "jobMinCores", "jobMaxCores",
// "groupMinCores", "groupMaxCores", "groupPriority", "expandAll", "collapseAll".
#pragma once

#include <QStringList>
#include <QWidget>
#include <functional>

#include "gui/dialogs.h"

class QAction;
class QSortFilterProxyModel;
class QTreeView;

namespace cue::gui {

class CueMonitor;
struct CueRow;

class MonitorCueView : public QWidget {
  Q_OBJECT

 public:
  // `monitor` is not owned and must outlive the view.
  MonitorCueView(CueMonitor* monitor, QWidget* parent = nullptr);

  QTreeView* tree() const { return tree_; }
  // Ids of the selected jobs, and of the selected groups and shows (their root groups).
  QStringList selectedJobIds() const;
  QStringList selectedGroupIds() const;

  // The questions asked (dialogs.h); tests answer for the user here.
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }
  void setAskNumber(AskNumber ask) { ask_number_ = std::move(ask); }

 private:
  QStringList selected(bool jobs, QStringList* names = nullptr) const;
  void showMenu(const QPoint& pos);
  void killSelected();
  // Asks `question` ("%n" in its label: how many) about the selected jobs (jobs) or groups,
  // offering `current`'s value when one is selected, then calls `apply` with the answer.
  void askThen(bool jobs, NumberQuestion question,
               const std::function<double(const CueRow&)>& current,
               const std::function<void(QStringList, double)>& apply);

  CueMonitor* monitor_;
  Confirm confirm_;
  AskNumber ask_number_;
  QSortFilterProxyModel* proxy_;
  QTreeView* tree_;
  QAction* pause_;
  QAction* resume_;
  QAction* kill_;
  QAction* priority_;
  QAction* min_cores_;
  QAction* max_cores_;
  QAction* group_min_;
  QAction* group_max_;
  QAction* group_priority_;
};

}  // namespace cue::gui

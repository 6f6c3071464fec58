// cuegui's artist view, first part: the Monitor Jobs window. A search field (substring, or a
// regex with the box ticked), the jobs table (sortable, several rows selectable, a context
// menu with OpenCue's job actions: pause, resume, retry or eat dead frames, priority, minimum
// and maximum cores, maximum retries, drop depends, why not running, kill; the destructive
// ones ask first), a red banner while the cuebot does not answer, and a status line with the
// last refresh and the last action's outcome. Widgets and actions have object names
// ("search", "regex", "jobs", "banner", "pause", "resume", "kill", "retryDead", "eatDead",
// "priority", "minCores", "maxCores", "maxRetries", "dropDepends", "why", "viewDepends", "comments": the job's Depends and
// Comments dialogs) for tests. Double-clicking a job opens its Monitor Job Details
// (job_details_window.h) once a details factory is set.
#pragma once

#include <QMainWindow>
#include <QMap>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <memory>
#include <string>

#include "core/views.h"
#include "gui/dialogs.h"

class QCheckBox;
class QSettings;
class QLabel;
class QLineEdit;
class QTableView;

namespace cue::gui {

class JobMonitor;
class JobsFilter;
class JobDetailsMonitor;
class JobDetailsWindow;

class MonitorJobsWindow : public QMainWindow {
  Q_OBJECT

 public:
  // `monitor` is not owned and must outlive the window.
  explicit MonitorJobsWindow(JobMonitor* monitor, QWidget* parent = nullptr);

  // Ids of the selected jobs, in view order.
  QStringList selectedJobIds() const;

  // Asks before a destructive action; true goes ahead. Default: a Yes/Cancel message box.
  // Tests answer for the user here.
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }
  // Asks for priority, cores and retries. Default: an input dialog.
  void setAskNumber(AskNumber ask) { ask_number_ = std::move(ask); }

  // The window's geometry, the columns' order, widths and visibility, the sort and the
  // search mode, under "monitorJobs/" in `settings`. cuegui restores at start, saves at exit.
  void saveLayout(QSettings& settings) const;
  void restoreLayout(const QSettings& settings);

  // Makes the monitor of one job's details (cuegui: a client on the same cuebots, started).
  using DetailsFactory = std::function<std::unique_ptr<JobDetailsMonitor>(const std::string&)>;
  void setDetailsFactory(DetailsFactory factory) { details_factory_ = std::move(factory); }
  // Opens (or raises) the details window of job `id`, a child window of this one; nullptr
  // without a factory or for a job not shown. What double-clicking a job does.
  JobDetailsWindow* openDetails(const QString& id);

 private:
  void buildActions();
  void applySearch();
  void showContextMenu(const QPoint& pos);
  void showColumnMenu(const QPoint& pos);
  void pauseSelected();
  void resumeSelected();
  void killSelected();
  void eatDeadSelected();
  void dropDependsSelected();
  // Asks for one number for the selected jobs (shown first: the first one's `current`), then
  // hands it to `apply`.
  void askForSelected(NumberQuestion question,
                      const std::function<double(const core::JobView&)>& current,
                      const std::function<void(const QStringList&, double)>& apply);
  void whySelected();
  QStringList selectedNames() const;
  void showConnection(bool connected, const QString& message);
  void updateStatus();

  JobMonitor* monitor_;
  JobsFilter* filter_;
  QLabel* banner_;
  QLineEdit* search_;
  QCheckBox* regex_;
  QTableView* view_;
  QLabel* status_;
  QString last_action_;
  Confirm confirm_;
  AskNumber ask_number_;
  DetailsFactory details_factory_;
  QMap<QString, QPointer<JobDetailsWindow>> details_;
  QAction* pause_;
  QAction* resume_;
  QAction* kill_;
  QList<QAction*> more_;  // the context menu's other job actions, in order (nullptr: a separator)
};

}  // namespace cue::gui

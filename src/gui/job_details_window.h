// cuegui's Monitor Job Details for one job: its layers (with a progress bar each) above its
// frames (state in its colour), a red banner while the cuebot does not answer, a status line,
// and on the selected frames View Log (or double-click), Retry, Mark Done, Eat and Kill
// (context menu and shortcuts; the destructive ones ask first), on the selected layers Retry
// and Eat dead frames, Reorder and Stagger (context menu), and Why Not Running for the job. Opened by double-clicking a job in Monitor Jobs. Object names for tests: "layers",
// "frames", "banner", "status", "viewLog", "retry", "markDone", "kill", "eat", "why", "retryDeadLayer",
// "eatDeadLayer", "reorderLayer", "staggerLayer", "viewDepends" and "comments" (the job's Depends and
// Comments dialogs, depends_dialog.h, comments_dialog.h, also in the frames' menu). Owns
// its JobDetailsMonitor; log windows are its children.
#pragma once

#include <QMainWindow>
#include <QMap>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <memory>

#include "gui/dialogs.h"

class QLabel;
class QTableView;

namespace cue::gui {

class JobDetailsMonitor;
class LogWindow;

class JobDetailsWindow : public QMainWindow {
  Q_OBJECT

 public:
  JobDetailsWindow(std::unique_ptr<JobDetailsMonitor> monitor, const QString& job_name,
                   QWidget* parent = nullptr);
  ~JobDetailsWindow() override;

  JobDetailsMonitor* monitor() { return monitor_.get(); }
  // Names ("0001-render") of the selected frames, in view order.
  QStringList selectedFrameNames() const;

  // Asks before a destructive action; true goes ahead. Default: a Yes/Cancel message box.
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }
  void setChoose(Choose choose) { choose_ = std::move(choose); }
  void setAskNumber(AskNumber ask) { ask_number_ = std::move(ask); }
  // Names ("render") of the selected layers, in view order.
  QStringList selectedLayerNames() const;

  // Opens (or raises) the log window following frame `name`'s log (through cuebot, on a
  // client of its own), a child window of this one; nullptr for a frame not shown. What
  // double-clicking a frame does.
  LogWindow* openLog(const QString& frame_name);

 private:
  void showContextMenu(const QPoint& pos);
  void retrySelected();
  void killSelected();
  void eatSelected();
  void markDoneSelected();
  void buildLayerActions();
  void showLayerMenu(const QPoint& pos);
  void showConnection(bool connected, const QString& message);
  void updateStatus();

  std::unique_ptr<JobDetailsMonitor> monitor_;
  QString job_name_;
  QMap<QString, QPointer<LogWindow>> logs_;  // by frame name
  QLabel* banner_;
  QTableView* layers_;
  QTableView* frames_;
  QLabel* status_;
  QString last_action_;
  Confirm confirm_;
  Choose choose_;
  AskNumber ask_number_;
  QAction* retry_;
  QAction* kill_;
  QAction* eat_;
  QAction* mark_done_;
  QAction* view_log_;
  QAction* why_;
  QAction* view_depends_;
  QAction* comments_;
  QList<QAction*> layer_actions_;
};

}  // namespace cue::gui

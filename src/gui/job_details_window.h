// cuegui's Monitor Job Details for one job: its layers (with a progress bar each) above its
// frames (state in its colour), a red banner while the cuebot does not answer, a status line,
// and on the selected frames Retry, Kill and Eat (context menu and shortcuts; kill and eat ask
// first). Opened by double-clicking a job in Monitor Jobs. Object names for tests: "layers",
// "frames", "banner", "status", "retry", "kill", "eat". Owns its JobDetailsMonitor.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <functional>
#include <memory>

class QLabel;
class QTableView;

namespace cue::gui {

class JobDetailsMonitor;

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
  using Confirm = std::function<bool(QWidget* parent, const QString& title, const QString& text)>;
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }

 private:
  void showContextMenu(const QPoint& pos);
  void retrySelected();
  void killSelected();
  void eatSelected();
  void showConnection(bool connected, const QString& message);
  void updateStatus();

  std::unique_ptr<JobDetailsMonitor> monitor_;
  QLabel* banner_;
  QTableView* layers_;
  QTableView* frames_;
  QLabel* status_;
  QString last_action_;
  Confirm confirm_;
  QAction* retry_;
  QAction* kill_;
  QAction* eat_;
};

}  // namespace cue::gui

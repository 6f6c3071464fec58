// cuegui's Depends dialog for one job ("View Depends..." in Monitor Jobs and Monitor Job
// Details), as OpenCue's CueGUI: what the job waits on and what waits on it (DependsModel:
// type as OpenCue names it, the other side's job, layer and frame, active or satisfied);
// Satisfy on the selected depends (asks first) and Add depend... (this job waits on another
// job chosen by name, JOB_ON_JOB, or one of its layers on one of the other job's layers,
// LAYER_ON_LAYER). Refreshes after each action and every 10 s, on a client of its own (a
// DependsMonitor off the UI thread). Not modal; deleted on close. Object names for tests:
// "depends", "satisfy", "addDepend", "refresh", "status".
#pragma once

#include <QDialog>
#include <QString>
#include <string>

#include "client/config.h"
#include "gui/dialogs.h"

class QLabel;
class QTableView;

namespace cue::gui {

class DependsMonitor;

class DependsDialog : public QDialog {
  Q_OBJECT

 public:
  DependsDialog(const client::CuebotConfig& config, const std::string& job_id,
                const QString& job_name, QWidget* parent = nullptr);

  DependsMonitor* monitor() { return monitor_; }
  QTableView* view() { return view_; }
  // Tests answer for the user here (defaults: a message box, QInputDialog::getItem).
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }
  void setChoose(Choose choose) { choose_ = std::move(choose); }

  void satisfySelected();
  void addDepend();

 private:
  void chooseLayers(const std::string& on_job_id, const QString& on_job_name);

  DependsMonitor* monitor_;
  QString job_name_;
  QTableView* view_;
  QLabel* status_;
  Confirm confirm_;
  Choose choose_;
};

// Opens the Depends dialog of job `job_id` over `parent` (not modal, deleted on close) with
// `confirm` for its questions, on a client of its own on `config`'s cuebots.
DependsDialog* openDependsDialog(const client::CuebotConfig& config, const std::string& job_id,
                                 const QString& job_name, QWidget* parent, Confirm confirm);

}  // namespace cue::gui
